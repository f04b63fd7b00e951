using MediatR;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary>An order was placed; partitioned by customer.</summary>
[OutboxMessage("core.order-placed")]
public partial record CoreOrderPlaced(Guid OrderId, [property: PartitionKey] string CustomerId, [property: AvroDefault("1")] int Quantity) : INotification;

/// <summary>A message without a partition key.</summary>
[OutboxMessage("core.audit")]
public partial record CoreAudit(string Text) : INotification;
