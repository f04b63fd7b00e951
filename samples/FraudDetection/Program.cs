// The FraudDetection sample: a simulated stream of card transactions is inserted into fraud.card_transactions,
// an ordinary table marked [ChangeFeed]. The change feed streams every insert from the WAL (logical replication)
// as a Change<CardTransaction> to FlagImpossibleTravel, which flags an account seen in two cities farther apart than
// an airliner could fly in the time between, writes the alert to fraud.alerts and is checked here: the run passes
// only if exactly the impossible journeys the generator planted were flagged.
//
//   dotnet run --project samples/FraudDetection                       starts a throwaway local PostgreSQL
//   dotnet run --project samples/FraudDetection -- --connection "Host=...;Username=...;Password=..."
//   dotnet run --project samples/FraudDetection -- --accounts 50 --per-account 6
using System.Globalization;
using FraudDetection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Testing;
using OutboxSdk;

var connectionString = Option("--connection");
var accounts = int.Parse(Option("--accounts") ?? "30", CultureInfo.InvariantCulture);
var perAccount = int.Parse(Option("--per-account") ?? "5", CultureInfo.InvariantCulture);

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
    await using (var setup = dataSource.CreateCommand("CREATE SCHEMA IF NOT EXISTS fraud;\n" + CardTransaction.CreateTableSql + FlagImpossibleTravel.AlertsTableSql))
    {
        await setup.ExecuteNonQueryAsync();
    }

    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddSingleton(dataSource);
    builder.Services.AddSingleton(new ImpossibleTravelDetector());
    builder.Services.AddSingleton<AlertLog>();
    builder.Services.AddOutbox(o =>
    {
        o.DataSource = dataSource;
        o.RelayMode = RelayMode.Replication; // the change feed needs the WAL stream
    });
    builder.Services.AddFraudDetectionOutboxTypes();
    using var host = builder.Build();
    try
    {
        await host.StartAsync();
    }
    catch (Microsoft.Extensions.Options.OptionsValidationException e)
    {
        // A configuration the options validator refuses (e.g. a slot name Postgres would reject): say what, exit 2.
        Console.Error.WriteLine("The outbox could not start: " + e.Message);
        return 2;
    }

    // One run's accounts and ids never collide with an earlier run's on a real server.
    var run = Guid.NewGuid().ToString("N")[..6] + "-";
    var planned = JourneyGenerator.Generate(accounts, perAccount, seed: 42, DateTimeOffset.UtcNow.AddDays(-1), run);
    var firstId = await NextIdAsync(dataSource);
    Console.WriteLine($"Inserting {planned.Count} card transactions of {accounts + JourneyGenerator.Impossible.Count} accounts...");
    for (var i = 0; i < planned.Count; i++)
    {
        // Each payment in its own transaction, as the payments system would commit them.
        var p = planned[i];
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO fraud.card_transactions (id, account, city, latitude, longitude, amount, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        insert.Parameters.Add(new() { Value = firstId + i });
        insert.Parameters.Add(new() { Value = p.Account });
        insert.Parameters.Add(new() { Value = p.City.Name });
        insert.Parameters.Add(new() { Value = p.City.Latitude });
        insert.Parameters.Add(new() { Value = p.City.Longitude });
        insert.Parameters.Add(new() { Value = p.Amount });
        insert.Parameters.Add(new() { Value = p.OccurredAt });
        await insert.ExecuteNonQueryAsync();
    }

    var log = host.Services.GetRequiredService<AlertLog>();
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (log.SeenCount < planned.Count && DateTime.UtcNow < deadline)
    {
        await Task.Delay(100);
    }

    await host.StopAsync();

    var alerts = log.Alerts.Where(a => a.Account.StartsWith(run, StringComparison.Ordinal)).ToList();
    var stored = await StoredAlertsAsync(dataSource, firstId);
    Console.WriteLine();
    Console.WriteLine($"handled {log.SeenCount} of {planned.Count} transactions; flagged accounts:");
    foreach (var alert in alerts)
    {
        Console.WriteLine($"  {alert.Account[run.Length..],-9} {alert.FromCity} → {alert.ToCity}: {alert.DistanceKm,8:N0} km in {alert.Elapsed.TotalSeconds:N0} s = {alert.ImpliedSpeedKmh,12:N0} km/h");
    }

    var expected = JourneyGenerator.Impossible.Select(j => (run + j.Account, j.From.Name, j.To.Name)).ToHashSet();
    var actual = alerts.Select(a => (a.Account, a.FromCity, a.ToCity)).ToHashSet();
    var ok = log.SeenCount == planned.Count && expected.SetEquals(actual) && alerts.Count == expected.Count && stored == expected.Count;
    Console.WriteLine(ok
        ? $"OK: exactly the {expected.Count} impossible journeys were flagged, and {stored} alerts written to fraud.alerts."
        : $"FAILED: expected {expected.Count} alerts ({string.Join(", ", expected)}), got {alerts.Count} flagged and {stored} stored.");
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

static async Task<long> NextIdAsync(NpgsqlDataSource dataSource)
{
    await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) + 1 FROM fraud.card_transactions");
    return (long)(await command.ExecuteScalarAsync())!;
}

static async Task<long> StoredAlertsAsync(NpgsqlDataSource dataSource, long firstId)
{
    await using var command = dataSource.CreateCommand("SELECT count(*) FROM fraud.alerts WHERE transaction_id >= $1");
    command.Parameters.Add(new() { Value = firstId });
    return (long)(await command.ExecuteScalarAsync())!;
}
