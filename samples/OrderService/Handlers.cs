using MediatR;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace OrderService;

/// <summary>Sends the receipt (here: records when, for the commit → handler latency).</summary>
public sealed class SendReceipt(DeliveryLog log) : INotificationHandler<OrderPlaced>
{
    public Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        log.ReceiptSent(notification.OrderId);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Updates the read model in the same database, inside the delivery's transaction: the summary row and the
/// outbox's completion mark commit together, so a redelivery cannot count an order twice.
/// </summary>
public sealed class UpdateReadModel(IOutboxContext delivery, DeliveryLog log) : INotificationHandler<OrderPlaced>
{
    public async Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO shop.customer_totals (customer_id, orders, total) VALUES ($1, 1, $2)
            ON CONFLICT (customer_id) DO UPDATE SET orders = customer_totals.orders + 1, total = customer_totals.total + excluded.total
            """,
            delivery.Connection, delivery.Transaction);
        command.Parameters.Add(new() { Value = notification.CustomerId });
        command.Parameters.Add(new() { Value = notification.Total });
        await command.ExecuteNonQueryAsync(cancellationToken);
        log.ReadModelUpdated(notification.OrderId);
    }
}
