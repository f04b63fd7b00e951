// The OrderService sample: orders placed in transactions (every fourth one rolled back, as a declined payment
// would), their OrderPlaced messages written to the outbox in the same transactions, and two handlers — a receipt
// and a read model updated exactly once in the delivery's own transaction. It prints every order with its
// commit → handler latency, checks that no rolled-back order was delivered, and exits.
//
//   dotnet run --project samples/OrderService                       starts a throwaway local PostgreSQL
//   dotnet run --project samples/OrderService -- --connection "Host=...;Username=...;Password=..."
//   dotnet run --project samples/OrderService -- --orders 200
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderService;
using OutboxSdk.Generated;
using OutboxSdk.Outbox;
using OutboxSdk.Testing;
using OutboxSdk;

var connectionString = Option("--connection");
var orderCount = int.Parse(Option("--orders") ?? "40", CultureInfo.InvariantCulture);

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
    await CreateShopTablesAsync(dataSource);
    var readModelBefore = await ReadModelOrderCountAsync(dataSource); // a real server may hold earlier runs

    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddSingleton<DeliveryLog>();
    builder.Services.AddOutbox(o => o.DataSource = dataSource);
    builder.Services.AddOrderServiceOutboxTypes();
    using var host = builder.Build();
    await host.StartAsync();

    var outbox = host.Services.GetRequiredService<IOutbox>();
    var log = host.Services.GetRequiredService<DeliveryLog>();
    await WaitUntilHealthyAsync(host.Services.GetRequiredService<HealthCheckService>()); // the relay is listening

    // An order every few milliseconds, as a shop would see them, rather than all at once.
    var committed = new Dictionary<Guid, (OrderPlaced Order, long CommittedAt)>();
    var rolledBack = new List<OrderPlaced>();
    for (var i = 1; i <= orderCount; i++)
    {
        var order = NewOrder(i);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO shop.orders (id, customer_id, total, placed_at) VALUES ($1, $2, $3, $4)", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = order.OrderId });
            insert.Parameters.Add(new() { Value = order.CustomerId });
            insert.Parameters.Add(new() { Value = order.Total });
            insert.Parameters.Add(new() { Value = order.PlacedAt });
            await insert.ExecuteNonQueryAsync();
        }

        await outbox.PublishAsync(order, transaction);
        if (i % 4 == 0)
        {
            await transaction.RollbackAsync(); // the payment was declined: neither the order nor its message exists
            rolledBack.Add(order);
            continue;
        }

        var committing = Stopwatch.GetTimestamp();
        await transaction.CommitAsync();
        committed[order.OrderId] = (order, committing);
        await Task.Delay(5);
    }

    var allDelivered = await log.WaitForAsync(committed.Keys, TimeSpan.FromSeconds(30));
    await Task.Delay(TimeSpan.FromMilliseconds(500)); // long enough for a wrongly delivered rolled-back order to show
    await host.StopAsync();

    Console.WriteLine();
    Console.WriteLine("order                                 customer      total  delivery");
    var latencies = new List<double>();
    foreach (var (id, (order, committedAt)) in committed)
    {
        if (log.Receipts.TryGetValue(id, out var sentAt))
        {
            var ms = Stopwatch.GetElapsedTime(committedAt, sentAt).TotalMilliseconds;
            latencies.Add(ms);
            Console.WriteLine($"{id}  {order.CustomerId,-10} {order.Total,8:F2}  receipt after {ms,6:F1} ms, read model x{log.ReadModelUpdates(id)}");
        }
        else
        {
            Console.WriteLine($"{id}  {order.CustomerId,-10} {order.Total,8:F2}  NOT DELIVERED");
        }
    }

    foreach (var order in rolledBack)
    {
        var wrong = log.Receipts.ContainsKey(order.OrderId);
        Console.WriteLine($"{order.OrderId}  {order.CustomerId,-10} {order.Total,8:F2}  rolled back: {(wrong ? "DELIVERED (wrong)" : "not delivered")}");
    }

    var readModelOrders = await ReadModelOrderCountAsync(dataSource) - readModelBefore;
    latencies.Sort();
    var leaked = rolledBack.Count(o => log.Receipts.ContainsKey(o.OrderId));
    Console.WriteLine();
    Console.WriteLine($"committed {committed.Count}, delivered {committed.Keys.Count(log.Receipts.ContainsKey)}; rolled back {rolledBack.Count}, delivered {leaked}; read model counted {readModelOrders} new orders");
    if (latencies.Count > 0)
    {
        Console.WriteLine($"commit -> handler latency: median {Percentile(latencies, 0.5):F1} ms, max {latencies[^1]:F1} ms (the first deliveries also pay for JIT and connection warm-up)");
    }

    var ok = allDelivered && leaked == 0 && readModelOrders == committed.Count;
    Console.WriteLine(ok ? "OK: every committed order was delivered once, and no rolled-back one." : "FAILED");
    return ok ? 0 : 1;
}
finally
{
    if (local is not null)
    {
        await local.DisposeAsync();
    }
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static OrderPlaced NewOrder(int i)
{
    var lines = new List<OrderLine> { new("BOOK-" + (i % 7), 1 + (i % 3), 12.50m), new("PEN", 2, 1.20m) };
    return new OrderPlaced(Guid.CreateVersion7(), "customer-" + (1 + (i % 5)), lines.Sum(l => l.Quantity * l.UnitPrice), DateTimeOffset.UtcNow, lines);
}

static async Task WaitUntilHealthyAsync(HealthCheckService health)
{
    var deadline = DateTime.UtcNow.AddSeconds(15);
    while ((await health.CheckHealthAsync()).Status != HealthStatus.Healthy && DateTime.UtcNow < deadline)
    {
        await Task.Delay(50);
    }
}

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

static async Task CreateShopTablesAsync(NpgsqlDataSource dataSource)
{
    await using var command = dataSource.CreateCommand("""
        CREATE SCHEMA IF NOT EXISTS shop;
        CREATE TABLE IF NOT EXISTS shop.orders (id uuid PRIMARY KEY, customer_id text NOT NULL, total numeric(12, 2) NOT NULL, placed_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS shop.customer_totals (customer_id text PRIMARY KEY, orders integer NOT NULL, total numeric(14, 2) NOT NULL);
        """);
    await command.ExecuteNonQueryAsync();
}

static async Task<long> ReadModelOrderCountAsync(NpgsqlDataSource dataSource)
{
    await using var command = dataSource.CreateCommand("SELECT coalesce(sum(orders), 0) FROM shop.customer_totals");
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}
