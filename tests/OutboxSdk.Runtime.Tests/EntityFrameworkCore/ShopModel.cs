using MediatR;
using Microsoft.EntityFrameworkCore;
using OutboxSdk;
using OutboxSdk.TestSupport;

namespace EntityFrameworkCore.Tests;

/// <summary>The business data the tests write with EF Core (and with Dapper: plain lower-case names).</summary>
public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Shipment> Shipments => Set<Shipment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Id).HasColumnName("id");
            order.Property(o => o.Customer).HasColumnName("customer");
        });
        modelBuilder.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.Property(s => s.Id).HasColumnName("id");
            shipment.Property(s => s.OrderId).HasColumnName("order_id");
        });
    }
}

public sealed class Order
{
    public Guid Id { get; set; }

    public string Customer { get; set; } = "";
}

/// <summary>A handler's effect: one row per handled order, so a duplicate effect is a second row.</summary>
public sealed class Shipment
{
    public long Id { get; set; }

    public Guid OrderId { get; set; }
}

[OutboxMessage("efcore.order-placed")]
public partial record OrderPlaced(Guid OrderId, [property: PartitionKey] string Customer) : INotification;

/// <summary>What the handlers saw: the order ids, as text.</summary>
public sealed class ShopRecorder : Recorder<string>;

/// <summary>
/// Ships the order through EF Core on the delivery's connection and transaction, then fails as the recorder says:
/// a failed attempt's shipment must roll back with it.
/// </summary>
public sealed class ShipOrder(IOutboxContext delivery, ShopDb db, ShopRecorder recorder) : INotificationHandler<OrderPlaced>
{
    public async Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        await delivery.EnlistAsync(db, cancellationToken);
        db.Shipments.Add(new Shipment { OrderId = notification.OrderId });
        await db.SaveChangesAsync(cancellationToken);

        var item = notification.OrderId.ToString();
        var attempt = recorder.Attempts.AddOrUpdate(item, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(item, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"order {item} fails (attempt {attempt}) after saving its shipment");
        }

        recorder.Record(item);
    }
}
