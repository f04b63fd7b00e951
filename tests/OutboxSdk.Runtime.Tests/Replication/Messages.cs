using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Replication.Tests;

/// <summary>A step of an order; <see cref="Seq"/> is its position within the order's stream.</summary>
[OutboxMessage("repl.order-step")]
public partial record OrderStep([property: PartitionKey] string OrderId, int Seq) : INotification;

/// <summary>A message whose handler writes to the database through IOutboxContext.</summary>
[OutboxMessage("repl.ledger-entry")]
public partial record LedgerEntry([property: PartitionKey] string Account, int Amount) : INotification;

/// <summary>A big message, for transactions large enough to be streamed.</summary>
[OutboxMessage("repl.blob")]
public partial record Blob(string Id, string Data) : INotification;

/// <summary>What the handlers saw ("order/seq", "ledger:account/amount", "blob:id"); one per host, so two relays can be told apart.</summary>
public sealed class Recorder : Recorder<string>;

public sealed class OrderStepHandler(Recorder recorder) : INotificationHandler<OrderStep>
{
    public Task Handle(OrderStep notification, CancellationToken cancellationToken)
    {
        var step = $"{notification.OrderId}/{notification.Seq}";
        var attempt = recorder.Attempts.AddOrUpdate(step, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(step, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"step {step} fails (attempt {attempt})");
        }

        recorder.Record(step);
        return Task.CompletedTask;
    }
}

/// <summary>Writes the entry in the delivery's transaction: exactly once, together with the position.</summary>
public sealed class LedgerHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<LedgerEntry>
{
    public async Task Handle(LedgerEntry notification, CancellationToken cancellationToken)
    {
        await using (var command = new Npgsql.NpgsqlCommand("INSERT INTO ledger (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Account }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (recorder.OnLedger.TryRemove(notification.Amount, out var hook))
        {
            await hook();
        }

        recorder.Record("ledger:" + notification.Account + "/" + notification.Amount);
    }
}

public sealed class BlobHandler(Recorder recorder) : INotificationHandler<Blob>
{
    public Task Handle(Blob notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref recorder.BlobCount);
        recorder.Record("blob:" + notification.Id);
        return Task.CompletedTask;
    }
}
