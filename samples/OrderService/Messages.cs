using MediatR;
using OutboxSdk;

namespace OrderService;

/// <summary>A customer placed an order.</summary>
[OutboxMessage("orders.order-placed")]
public partial record OrderPlaced(
    Guid OrderId,
    [property: PartitionKey] string CustomerId,
    [property: AvroDecimal(12, 2)] decimal Total,
    DateTimeOffset PlacedAt,
    IReadOnlyList<OrderLine> Lines) : INotification;

/// <summary>One line of an order.</summary>
public sealed record OrderLine(string Sku, int Quantity, [property: AvroDecimal(10, 2)] decimal UnitPrice);
