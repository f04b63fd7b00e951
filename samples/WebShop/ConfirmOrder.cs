using MediatR;
using Npgsql;
using OutboxSdk;

namespace WebShop;

/// <summary>
/// Confirms a placed order: the confirmation row is written on the delivery's own connection and transaction
/// (<see cref="IOutboxContext"/>), so it commits together with the message's completion and a redelivery
/// cannot confirm twice.
/// </summary>
public sealed partial class ConfirmOrder(IOutboxContext delivery, ILogger<ConfirmOrder> logger) : INotificationHandler<OrderPlaced>
{
    public async Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO shop.confirmations (order_id, confirmed_at) VALUES ($1, now()) ON CONFLICT (order_id) DO NOTHING",
            delivery.Connection, delivery.Transaction);
        command.Parameters.Add(new() { Value = notification.OrderId });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Confirmed(logger, notification.OrderId, notification.CustomerId, notification.Total);
    }

    [LoggerMessage(1, LogLevel.Information, "Confirmed order {OrderId} of {CustomerId} ({Total})")]
    private static partial void Confirmed(ILogger logger, Guid orderId, string customerId, decimal total);
}
