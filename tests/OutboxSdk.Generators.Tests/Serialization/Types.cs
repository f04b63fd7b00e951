using OutboxSdk;

namespace Shop.Orders;

/// <summary>An order was placed.</summary>
[OutboxMessage("orders.order-placed")]
public partial record OrderPlaced(
    Guid OrderId,
    [property: PartitionKey] string CustomerId,
    [property: AvroDecimal(18, 2)] decimal Total,
    DateTimeOffset PlacedAt,
    IReadOnlyList<OrderLine> Lines)
{
    public string? Note { get; init; }

    public OrderStatus Status { get; init; } = OrderStatus.New;
}

public sealed record OrderLine(string Sku, int Quantity, [property: AvroDecimal(10, 2)] decimal Price);

[AvroDefault("Unknown")]
public enum OrderStatus
{
    Unknown,
    New,
    Paid,
}
