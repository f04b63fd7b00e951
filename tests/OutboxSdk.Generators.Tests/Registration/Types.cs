using System.Collections.Concurrent;
using MediatR;
using OutboxSdk;

namespace Shop.Registration;

/// <summary>An order was placed.</summary>
[OutboxMessage("shop.order-placed")]
public partial record OrderPlaced(Guid OrderId, [property: PartitionKey] string CustomerId) : INotification;

/// <summary>An order left a warehouse.</summary>
[OutboxMessage("shop.order-shipped")]
public partial record OrderShipped(Guid OrderId, [property: PartitionKey] int Warehouse, DateTimeOffset ShippedAt) : INotification;

/// <summary>A row of the customers table.</summary>
[ChangeFeed("shop.customers", ReplicaIdentity = ReplicaIdentity.Default)]
public partial record Customer([property: Key] Guid Id, string Name);

/// <summary>A change-feed event over an entity, as the relay publishes it.</summary>
public sealed record EntityChanged<T>(T Row) : INotification;

/// <summary>A notification the outbox never delivers: its handler is registered anyway (OBX1030, info).</summary>
public sealed record Ping(string Text) : INotification;

/// <summary>What the handlers did, in order; a singleton shared by every scope.</summary>
public sealed class Journal
{
    public ConcurrentQueue<string> Entries { get; } = new();
}

/// <summary>A scoped dependency: handlers get the instance of the scope they were resolved in.</summary>
public sealed class UnitOfWork
{
    public Guid Id { get; } = Guid.NewGuid();
}
