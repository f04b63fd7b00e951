using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Replication.Tests;

/// <summary>
/// A message no handler can receive is one dead letter: one row, one error log entry, one increment of the
/// dead-lettered counter — in Replication mode too, where it used to be logged and counted twice (once where the
/// payload failed to decode, once where the dead letter was written).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadLetterCountTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(OutboxWriteMode.Table)]
    [InlineData(OutboxWriteMode.LogicalMessage)]
    public async Task An_undecodable_message_is_dead_lettered_logged_and_counted_once(OutboxWriteMode mode)
    {
        var subject = "repl.nobody-" + Guid.NewGuid().ToString("N")[..8];
        using var counter = new DeadLetterCounter(subject);
        var logs = new ListLoggerProvider();
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = mode);
        var (_, recorder) = await outbox.StartRelayAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));

        // A subject no type is registered for: the payload can never be decoded.
        if (mode == OutboxWriteMode.Table)
        {
            await using var insert = outbox.DataSource.CreateCommand(
                "INSERT INTO messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), $1, 'k', 42, '\\x00'::bytea)");
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
            await insert.ExecuteNonQueryAsync();
        }
        else
        {
            await using var emit = outbox.DataSource.CreateCommand("SELECT pg_logical_emit_message(true, $1, $2)");
            emit.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "outbox:" + outbox.Schema });
            emit.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = LogicalMessageFraming.Encode(Guid.NewGuid(), subject, "k", 42, "{}", [0]) });
            await emit.ExecuteNonQueryAsync();
        }

        await outbox.PublishStepsAsync("after", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("after/0"));

        Assert.Equal(1L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM dead_letters WHERE subject = '{subject}'"));
        Assert.Equal(1, counter.Count);
        var logged = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Text.Contains(subject, StringComparison.Ordinal));
        Assert.Contains("moved to dead letters after 1 attempt", logged.Text, StringComparison.Ordinal);
        Assert.Equal(LogEvents.DeadLettered, logged.EventId);
    }

    /// <summary>Counts <see cref="OutboxTelemetry.DeadLetteredCounter"/> increments for one subject.</summary>
    private sealed class DeadLetterCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public DeadLetterCounter(string subject)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OutboxTelemetry.MeterName && instrument.Name == OutboxTelemetry.DeadLetteredCounter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == OutboxTelemetry.SubjectTag && Equals(tag.Value, subject))
                    {
                        Interlocked.Add(ref _count, (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Keeps every log entry of a host in memory: level, event id and the formatted text.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Text)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
