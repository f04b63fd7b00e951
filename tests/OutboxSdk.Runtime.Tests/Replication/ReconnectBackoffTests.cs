using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Replication.Tests;

/// <summary>
/// A streaming session only ever ends in a failure, so the reconnect backoff must count failed attempts since the
/// last session that streamed. Counting every interruption since startup made a relay whose walsender was
/// terminated now and then wait longer each time, up to the 10 s cap (the fault suite's soak measured 37 s
/// recoveries in Replication mode).
/// </summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class ReconnectBackoffTests(StreamingPostgresFixture fixture)
{
    [Fact]
    public async Task Each_interruption_after_a_streaming_session_reconnects_with_the_first_delay_again()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var delays = new DelayCapture();
        var (_, recorder) = await outbox.StartRelayAsync(services: s => s.AddSingleton<ILoggerProvider>(delays));
        await outbox.PublishStepsAsync("o", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 1, 120);

        for (var round = 1; round <= 5; round++)
        {
            var pid = await outbox.ActivePidAsync();
            Assert.NotNull(pid);
            await outbox.ExecuteAsync($"SELECT pg_terminate_backend({pid})");

            // Streaming again: a message published now arrives.
            await outbox.PublishStepsAsync("o", round, 1);
            await recorder.WaitUntilAsync(r => r.Seen.Count >= round + 1, 120);
        }

        Assert.True(delays.Delays.Count >= 5, $"expected a reconnect per interruption, saw {delays.Delays.Count}");
        Assert.All(delays.Delays, d => Assert.True(d <= TimeSpan.FromMilliseconds(200), $"reconnect delays grew: {string.Join(", ", delays.Delays)}"));
    }

    /// <summary>Collects the delay of every "Outbox relay (Replication) faulted; starting again in {Delay}" (LogEvents.RelayFaulted).</summary>
    private sealed class DelayCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == OutboxSdk.Observability.LogEvents.RelayFaulted && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == "Delay" && value is TimeSpan delay)
                    {
                        Delays.Enqueue(delay);
                    }
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
