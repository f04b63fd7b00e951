using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Relay.Tests;

/// <summary>A step of an order; <see cref="Seq"/> is its position within the order's stream.</summary>
[OutboxMessage("tests.order-step")]
public partial record OrderStep([property: PartitionKey] string OrderId, int Seq) : INotification;

/// <summary>A message whose handler writes to the database through IOutboxContext.</summary>
[OutboxMessage("tests.ledger-entry")]
public partial record LedgerEntry([property: PartitionKey] string Account, int Amount) : INotification;

/// <summary>What the handlers saw (the steps); one per host, so two relays can be told apart.</summary>
public sealed class Recorder : Recorder<OrderStep>;

public sealed class OrderStepHandler(Recorder recorder) : INotificationHandler<OrderStep>
{
    public Task Handle(OrderStep notification, CancellationToken cancellationToken)
    {
        var step = $"{notification.OrderId}/{notification.Seq}";
        var attempt = recorder.Attempts.AddOrUpdate(step, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(step, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"step {notification.OrderId}/{notification.Seq} fails (attempt {attempt})");
        }

        recorder.Record(notification);
        return Task.CompletedTask;
    }
}

/// <summary>Writes the entry in the delivery's transaction: exactly once, together with the inbox row.</summary>
public sealed class LedgerHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<LedgerEntry>
{
    public async Task Handle(LedgerEntry notification, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO ledger (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Account }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        recorder.Record(new OrderStep("ledger:" + notification.Account, notification.Amount));
    }
}

/// <summary>A message whose handler has a stable inbox name (<see cref="OutboxHandlerAttribute"/>).</summary>
[OutboxMessage("tests.invoiced")]
public partial record Invoiced([property: PartitionKey] string Customer, int Amount) : INotification;

/// <summary>Named for the inbox, so a rename of the class keeps what it already did: writes through the context, once.</summary>
[OutboxHandler("tests.send-invoice")]
public sealed class SendInvoiceRenamed(IOutboxContext context) : INotificationHandler<Invoiced>
{
    public async Task Handle(Invoiced notification, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO ledger (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = "invoice:" + notification.Customer }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
