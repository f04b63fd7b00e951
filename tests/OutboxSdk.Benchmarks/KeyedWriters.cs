using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Generated;
using OutboxSdk.Testing;

namespace OutboxSdk.Benchmarks;

/// <summary>
/// What <see cref="OutboxOptions.SerializeWritersPerKey"/> costs the writers (Notify mode, publisher-only hosts, so the
/// relay takes no CPU): commits per second of one-message transactions, each writer on its own key and all writers on
/// one key, with and without the option, the configurations interleaved in rounds so drift hits all alike.
/// fsync is on, as in production.
/// </summary>
internal static class KeyedWriters
{
    public static async Task<int> RunAsync(int writers, int seconds, int rounds)
    {
        await using var pg = await LocalPostgres.StartAsync(new LocalPostgresOptions { Settings = { ["fsync"] = "on", ["synchronous_commit"] = "on" } });
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(pg.ConnectionString) { MaxPoolSize = writers + 10 }.ConnectionString);
        var results = new Dictionary<string, List<double>>();
        foreach (var serialize in new[] { false, true })
        {
            foreach (var sameKey in new[] { false, true })
            {
                results[Name(serialize, sameKey)] = [];
            }
        }

        using var plain = await StartAsync(dataSource, "bench_plain", serialize: false);
        using var turns = await StartAsync(dataSource, "bench_turns", serialize: true);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (serialize, sameKey) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                var outbox = (serialize ? turns : plain).Services.GetRequiredService<IOutbox>();
                results[Name(serialize, sameKey)].Add(await MeasureAsync(dataSource, outbox, writers, seconds, sameKey));
            }
        }

        Console.WriteLine($"{writers} writers, one-message transactions, {seconds} s x {rounds} rounds each, fsync on; commits/s (median of rounds):");
        foreach (var sameKey in new[] { false, true })
        {
            var without = Median(results[Name(false, sameKey)]);
            var with = Median(results[Name(true, sameKey)]);
            Console.WriteLine($"  {(sameKey ? "all on one key " : "a key per writer")}: without {without:F0}/s, with SerializeWritersPerKey {with:F0}/s ({with / without:F2}x)");
        }

        return 0;
    }

    private static string Name(bool serialize, bool sameKey) => $"{serialize}/{sameKey}";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<IHost> StartAsync(NpgsqlDataSource dataSource, string schema, bool serialize)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOutbox(o => (o.DataSource, o.Schema, o.RunRelay, o.SerializeWritersPerKey) = (dataSource, schema, false, serialize));
        builder.Services.AddOutboxSdkBenchmarksOutboxTypes();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<double> MeasureAsync(NpgsqlDataSource dataSource, IOutbox outbox, int writers, int seconds, bool sameKey)
    {
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var commits = await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var count = 0L;
            var key = sameKey ? "one" : "w" + w;
            while (Stopwatch.GetTimestamp() < until)
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await outbox.PublishAsync(new Ping(count, key), transaction);
                await transaction.CommitAsync();
                count++;
            }

            return count;
        }));
        return commits.Sum() / (double)seconds;
    }
}
