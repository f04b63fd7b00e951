namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// The packed OutboxSdk.EntityFrameworkCore, consumed by a brand-new project outside the repository: it publishes from a
/// DbContext (SaveChanges' own transaction and an explicit one) and its EF Core handler, enlisted in the delivery and
/// failing once after saving, leaves exactly one effect per message; the same app publishes with Dapper in an
/// NpgsqlTransaction to a Dapper handler that also fails once — against a throwaway Postgres from the packed
/// OutboxSdk.Testing.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
[Collection(PackedFeed.Collection)]
public sealed class EntityFrameworkCorePackageTests
{
    private const string Version = PackedFeed.Version;

    [Fact]
    public void A_new_project_publishes_with_EF_Core_and_handles_exactly_once()
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        using var packed = PackedFeed.Pack(deadline, "OutboxSdk.EntityFrameworkCore", "OutboxSdk.Testing");
        PackageTests.AssertPackage(packed.Feed, "OutboxSdk.EntityFrameworkCore", ["lib/net10.0/OutboxSdk.EntityFrameworkCore.dll"],
            ["OutboxSdk " + Version, "Microsoft.EntityFrameworkCore.Relational " + PackedFeed.CentralVersion("Microsoft.EntityFrameworkCore.Relational"),
             "Npgsql.EntityFrameworkCore.PostgreSQL " + PackedFeed.CentralVersion("Npgsql.EntityFrameworkCore.PostgreSQL")]);
        PackageTests.AssertPackage(packed.Feed, "OutboxSdk.Testing", ["lib/net10.0/OutboxSdk.Testing.dll"], ["Npgsql " + PackedFeed.CentralVersion("Npgsql")]);

        // Hosting at EF Core's patch version: EF Core brings Microsoft.Extensions.* of its own patch, and a lower direct reference is NU1605.
        var app = packed.WriteConsumer("efcore", "EfProbe", Program, null,
            ("OutboxSdk.EntityFrameworkCore", Version), ("OutboxSdk.Testing", Version), ("Dapper", PackedFeed.CentralVersion("Dapper")),
            ("Microsoft.Extensions.Hosting", PackedFeed.CentralVersion("Microsoft.EntityFrameworkCore")), ("MediatR", PackedFeed.CentralVersion("MediatR")));
        DotnetProcess.Run(app, packed.Isolated, deadline, "build", "-c", "Release");
        var output = DotnetProcess.Run(app, packed.Isolated, deadline, "run", "--no-build", "-c", "Release");

        Assert.Equal(["orders: 3", "messages: 3", "shipments: 3", "attempts: 6"],
            output.Trim().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.StartsWith("info", StringComparison.Ordinal)).TakeLast(4));
    }

    private const string Program = """
        using Dapper;
        using MediatR;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using OutboxSdk;
        using OutboxSdk.Generated;
        using OutboxSdk.Testing;

        await using var postgres = await LocalPostgres.StartAsync();
        await using var dataSource = postgres.CreateDataSource();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
        });
        builder.Services.AddEfProbeOutboxTypes();
        builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(dataSource));
        builder.Services.AddOutboxEntityFrameworkCore<ShopDb>();
        builder.Services.AddSingleton<Attempts>();
        using var host = builder.Build();

        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        }

        await host.StartAsync();
        var outbox = host.Services.GetRequiredService<IOutbox>();

        using (var scope = host.Services.CreateScope())
        {
            // SaveChanges' own transaction: the interceptor writes the message in it.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var order = new Order { Id = Guid.NewGuid(), Customer = "c-1" };
            db.Orders.Add(order);
            await outbox.PublishAsync(new OrderPlaced(order.Id, order.Customer), db);
            await db.SaveChangesAsync();
        }

        using (var scope = host.Services.CreateScope())
        {
            // An explicit transaction.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var order = new Order { Id = Guid.NewGuid(), Customer = "c-2" };
            db.Orders.Add(order);
            await outbox.PublishAsync(new OrderPlaced(order.Id, order.Customer), db);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // Dapper in an NpgsqlTransaction.
            await using var tx = await connection.BeginTransactionAsync();
            var id = Guid.NewGuid();
            await connection.ExecuteAsync("INSERT INTO orders (\"Id\", \"Customer\") VALUES (@id, 'c-3')", new { id }, tx);
            await outbox.PublishAsync(new OrderImported(id, "c-3"), tx);
            await tx.CommitAsync();
        }

        var attempts = host.Services.GetRequiredService<Attempts>();
        await attempts.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync();

        await using var check = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM outbox.messages), (SELECT count(*) FROM shipments)");
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"orders: {reader.GetInt64(0)}");
        Console.WriteLine($"messages: {reader.GetInt64(1)}");
        Console.WriteLine($"shipments: {reader.GetInt64(2)}");
        Console.WriteLine($"attempts: {attempts.Count}");

        public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
        {
            public DbSet<Order> Orders => Set<Order>();

            public DbSet<Shipment> Shipments => Set<Shipment>();

            protected override void OnModelCreating(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity<Order>().ToTable("orders");
                modelBuilder.Entity<Shipment>().ToTable("shipments");
            }
        }

        public sealed class Order
        {
            public Guid Id { get; set; }

            public string Customer { get; set; } = "";
        }

        public sealed class Shipment
        {
            public long Id { get; set; }

            public Guid OrderId { get; set; }
        }

        [OutboxMessage("efprobe.order-placed")]
        public partial record OrderPlaced(Guid OrderId, [property: PartitionKey] string Customer) : INotification;

        [OutboxMessage("efprobe.order-imported")]
        public partial record OrderImported(Guid OrderId, [property: PartitionKey] string Customer) : INotification;

        public sealed class Attempts
        {
            public int Count;
            public int Succeeded;
            public TaskCompletionSource Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Succeed()
            {
                if (Interlocked.Increment(ref Succeeded) == 3)
                {
                    Delivered.TrySetResult();
                }
            }
        }

        // Saves the shipment in the delivery's transaction, then fails its first attempt: that shipment rolls back.
        public sealed class ShipOrder(IOutboxContext delivery, ShopDb db, Attempts attempts) : INotificationHandler<OrderPlaced>
        {
            public async Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
            {
                await delivery.EnlistAsync(db, cancellationToken);
                db.Shipments.Add(new Shipment { OrderId = notification.OrderId });
                await db.SaveChangesAsync(cancellationToken);
                Interlocked.Increment(ref attempts.Count);
                if (delivery.Attempt == 1)
                {
                    throw new InvalidOperationException("the first attempt fails after saving");
                }

                attempts.Succeed();
            }
        }

        // The same with Dapper on the delivery's connection and transaction.
        public sealed class ShipImportedOrder(IOutboxContext delivery, Attempts attempts) : INotificationHandler<OrderImported>
        {
            public async Task Handle(OrderImported notification, CancellationToken cancellationToken)
            {
                await delivery.Connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO shipments (\"OrderId\") VALUES (@OrderId)", new { notification.OrderId }, delivery.Transaction, cancellationToken: cancellationToken));
                Interlocked.Increment(ref attempts.Count);
                if (delivery.Attempt == 1)
                {
                    throw new InvalidOperationException("the first attempt fails after inserting");
                }

                attempts.Succeed();
            }
        }
        """;
}
