using MediatR;
using OutboxSdk;

namespace WebShop;

/// <summary>An order was placed; published in the transaction that inserted it.</summary>
[OutboxMessage("webshop.order-placed")]
public partial record OrderPlaced(
    Guid OrderId,
    [property: PartitionKey] string CustomerId,
    [property: AvroDecimal(12, 2)] decimal Total,
    DateTimeOffset PlacedAt) : INotification;
