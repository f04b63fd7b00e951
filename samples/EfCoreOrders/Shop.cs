using MediatR;
using Microsoft.EntityFrameworkCore;
using OutboxSdk;

namespace EfCoreOrders;

/// <summary>The shop's data, in schema <c>efshop</c>.</summary>
public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<CustomerStats> CustomerStats => Set<CustomerStats>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema("efshop");
}

public sealed class Order
{
    public Guid Id { get; set; }

    public string CustomerId { get; set; } = "";

    public decimal Total { get; set; }
}

/// <summary>The read model the handler keeps: orders per customer, counted exactly once per order.</summary>
public sealed class CustomerStats
{
    public string Id { get; set; } = "";

    public int Orders { get; set; }

    public decimal Spent { get; set; }
}

[OutboxMessage("efshop.order-placed")]
public partial record OrderPlaced(Guid OrderId, [property: PartitionKey] string CustomerId, [property: AvroDecimal(18, 2)] decimal Total) : INotification;

/// <summary>
/// Updates the read model through EF Core on the delivery's connection and transaction: the update commits with the
/// delivery's completion mark, so a redelivered order is never counted twice.
/// </summary>
public sealed class CountOrder(IOutboxContext delivery, ShopDb db) : INotificationHandler<OrderPlaced>
{
    public async Task Handle(OrderPlaced order, CancellationToken cancellationToken)
    {
        await delivery.EnlistAsync(db, cancellationToken);
        var stats = await db.CustomerStats.FindAsync([order.CustomerId], cancellationToken);
        if (stats is null)
        {
            stats = new CustomerStats { Id = order.CustomerId };
            db.CustomerStats.Add(stats);
        }

        stats.Orders++;
        stats.Spent += order.Total;
        await db.SaveChangesAsync(cancellationToken);
    }
}
