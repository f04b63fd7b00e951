// The EfCoreOrders sample: orders saved with EF Core, their OrderPlaced messages published from the DbContext so they
// commit with SaveChanges — in SaveChanges' own transaction, in an explicit one (every fourth rolled back), and under a
// retrying execution strategy — and a handler that keeps a read model with EF Core, exactly once, in the delivery's
// transaction. It prints the read model, checks it against the committed orders, and exits.
//
//   dotnet run --project samples/EfCoreOrders                       starts a throwaway local PostgreSQL
//   dotnet run --project samples/EfCoreOrders -- --connection "Host=...;Username=...;Password=..."
using EfCoreOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Generated;
using OutboxSdk.Testing;

var connectionIndex = Array.IndexOf(args, "--connection");
var connectionString = connectionIndex >= 0 && connectionIndex + 1 < args.Length ? args[connectionIndex + 1] : null;
LocalPostgres? local = null;
if (connectionString is null)
{
    Console.WriteLine("No --connection given: starting a throwaway local PostgreSQL...");
    local = await LocalPostgres.StartAsync();
    connectionString = local.ConnectionString;
}

try
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);

    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddOutbox(o => o.DataSource = dataSource);
    builder.Services.AddEfCoreOrdersOutboxTypes();
    builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(dataSource));   // one pool for EF Core and the outbox
    builder.Services.AddOutboxEntityFrameworkCore<ShopDb>();               // SaveChanges writes published messages
    using var host = builder.Build();

    await using (var scope = host.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        await using var exists = dataSource.CreateCommand("SELECT to_regclass('efshop.\"Orders\"') IS NOT NULL");
        var sql = (bool)(await exists.ExecuteScalarAsync())!
            ? "TRUNCATE TABLE efshop.\"Orders\", efshop.\"CustomerStats\"" // a real server may hold an earlier run
            : db.Database.GenerateCreateScript();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    await host.StartAsync();
    var outbox = host.Services.GetRequiredService<IOutbox>();
    var committed = new List<Order>();
    var customers = new[] { "ada", "grace", "linus" };

    for (var i = 1; i <= 12; i++)
    {
        var order = new Order { Id = Guid.NewGuid(), CustomerId = customers[i % customers.Length], Total = 10m * i };
        var message = new OrderPlaced(order.Id, order.CustomerId, order.Total);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        if (i % 3 == 1)
        {
            // SaveChanges' own transaction: the message waits on the context and is written inside it.
            db.Orders.Add(order);
            await outbox.PublishAsync(message, db);
            await db.SaveChangesAsync();
            committed.Add(order);
        }
        else if (i % 3 == 2)
        {
            // An explicit transaction: the message is written at once, and commits or rolls back with it.
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Orders.Add(order);
            await outbox.PublishAsync(message, db);
            await db.SaveChangesAsync();
            if (i % 4 == 0)
            {
                await tx.RollbackAsync(); // declined: neither the order nor its message exists
                Console.WriteLine($"order {i,2} rolled back");
                continue;
            }

            await tx.CommitAsync();
            committed.Add(order);
        }
        else
        {
            // A retrying execution strategy: the whole unit runs again after a transient failure, so each committed
            // attempt has its order and its message once.
            await using var retrying = new ShopDb(new DbContextOptionsBuilder<ShopDb>()
                .UseNpgsql(dataSource, o => o.EnableRetryOnFailure()).UseOutbox().Options);
            await retrying.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                retrying.ChangeTracker.Clear();
                await using var tx = await retrying.Database.BeginTransactionAsync();
                retrying.Orders.Add(order);
                await outbox.PublishAsync(message, retrying);
                await retrying.SaveChangesAsync();
                await tx.CommitAsync();
            });
            committed.Add(order);
        }

        Console.WriteLine($"order {i,2} committed: {order.CustomerId}, {order.Total}");
    }

    // The read model is complete when every committed order has been counted once.
    var expected = committed.GroupBy(o => o.CustomerId).ToDictionary(g => g.Key, g => (Orders: g.Count(), Spent: g.Sum(o => o.Total)));
    var deadline = DateTime.UtcNow.AddSeconds(30);
    List<CustomerStats> stats;
    do
    {
        await Task.Delay(100);
        await using var scope = host.Services.CreateAsyncScope();
        stats = await scope.ServiceProvider.GetRequiredService<ShopDb>().CustomerStats.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
    }
    while (stats.Sum(s => s.Orders) < committed.Count && DateTime.UtcNow < deadline);

    await host.StopAsync();
    foreach (var s in stats)
    {
        Console.WriteLine($"{s.Id}: {s.Orders} orders, {s.Spent} spent");
    }

    var exact = stats.Count == expected.Count && stats.All(s => expected.TryGetValue(s.Id, out var e) && e.Orders == s.Orders && e.Spent == s.Spent);
    Console.WriteLine(exact
        ? $"read model exact: {committed.Count} committed orders counted once each, rolled-back orders never"
        : "read model DIFFERS from the committed orders");
    return exact ? 0 : 1;
}
finally
{
    if (local is not null)
    {
        await local.DisposeAsync();
    }
}
