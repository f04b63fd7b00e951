using System.Collections.Concurrent;
using MediatR;
using Microsoft.Extensions.Logging;
using OutboxSdk;

namespace Operations.Tests;

[OutboxMessage("ops.ping")]
public partial record Ping([property: PartitionKey] string Key, int Seq) : INotification;

/// <summary>What the handlers saw ("key/seq"), per host; a message with key "block" waits for its Gate before it completes.</summary>
public sealed class Recorder : Recorder<string>;

public sealed class PingHandler(Recorder recorder) : INotificationHandler<Ping>
{
    public async Task Handle(Ping notification, CancellationToken cancellationToken)
    {
        if (notification.Key == "block")
        {
            await recorder.Gate.Task.WaitAsync(cancellationToken);
        }

        recorder.Seen.Enqueue($"{notification.Key}/{notification.Seq}");
    }
}

/// <summary>Keeps every log entry (event id, level, text) of a host, for asserting what operators are told.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(int Id, LogLevel Level, string Text)> Entries { get; } = new();

    public bool Has(int id) => Entries.Any(e => e.Id == id);

    public string Text(int id) => Entries.First(e => e.Id == id).Text;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}

/// <summary>A message whose handler writes its effect through <see cref="OutboxSdk.IOutboxContext"/> (inbox-protected).</summary>
[OutboxMessage("ops.deposit")]
public partial record Deposit([property: PartitionKey] string Account, int Amount) : INotification;

/// <summary>Writes one <c>deposits</c> row in the delivery's transaction: the inbox makes it happen once per message.</summary>
public sealed class DepositHandler(OutboxSdk.IOutboxContext context, Recorder recorder) : INotificationHandler<Deposit>
{
    public async Task Handle(Deposit notification, CancellationToken cancellationToken)
    {
        await using (var command = new Npgsql.NpgsqlCommand("INSERT INTO deposits (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Account }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        recorder.Seen.Enqueue($"deposit:{notification.Account}/{notification.Amount}");
    }
}
