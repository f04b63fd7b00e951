using System.Collections.Concurrent;
using System.Diagnostics;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Testing;

namespace OutboxSdk.Benchmarks;

/// <summary>A small message for the latency run.</summary>
[OutboxMessage("bench.ping")]
public partial record Ping(long Sequence, [property: PartitionKey] string Key) : INotification;

/// <summary>Records when each ping reached its handler.</summary>
public sealed class PingHandler(LatencyLog log) : INotificationHandler<Ping>
{
    public Task Handle(Ping notification, CancellationToken cancellationToken)
    {
        log.Received(notification.Sequence);
        return Task.CompletedTask;
    }
}

/// <summary>Arrival times by sequence number.</summary>
public sealed class LatencyLog
{
    public ConcurrentDictionary<long, long> Arrivals { get; } = new();

    public void Received(long sequence) => Arrivals.TryAdd(sequence, Stopwatch.GetTimestamp());
}

/// <summary>
/// Commit → handler latency, measured in one run against a throwaway local Postgres: first the raw floor
/// (commit of a transaction that NOTIFYs → the notification at a LISTENing connection), then the SDK with default
/// settings at a paced rate. Both clocks start when COMMIT is sent. It also reports the CPU time the SDK phase cost
/// this process and Postgres (<see cref="CpuMeter"/>), from the warm-up's end to the last delivery.
/// </summary>
internal static class Latency
{
    public static async Task<int> RunAsync(int ratePerSecond, int seconds)
    {
        // OUTBOX_BENCH_STATEMENTS=1 also prints where Postgres spent its time in the SDK phase, by statement.
        var statements = Environment.GetEnvironmentVariable("OUTBOX_BENCH_STATEMENTS") == "1";
        var options = new LocalPostgresOptions();
        if (statements)
        {
            options.Settings["shared_preload_libraries"] = "pg_stat_statements";
            options.Settings["pg_stat_statements.track"] = "all";
            options.Settings["pg_stat_statements.track_planning"] = "on";
        }

        await using var pg = await LocalPostgres.StartAsync(options);
        await using var dataSource = NpgsqlDataSource.Create(pg.ConnectionString);
        if (statements)
        {
            await using var create = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await create.ExecuteNonQueryAsync();
        }

        var floor = await MeasureFloorAsync(dataSource, 2000);
        var cpu = new CpuMeter(Path.Combine(pg.Folder, "data"));
        var sdk = await MeasureSdkAsync(dataSource, ratePerSecond, seconds, cpu, statements);

        Console.WriteLine($"raw Postgres floor (commit -> NOTIFY at a listener), {floor.Count} samples: median {P(floor, 0.5):F2} ms, p99 {P(floor, 0.99):F2} ms");
        var settings = Environment.GetEnvironmentVariable("OUTBOX_BENCH_DOP") is { Length: > 0 } d ? "MaxDegreeOfParallelism " + d : "default settings";
        Console.WriteLine($"OutboxSdk (commit -> handler, {settings}, {ratePerSecond}/s for {seconds} s), {sdk.Latencies.Count} samples: median {P(sdk.Latencies, 0.5):F2} ms, p99 {P(sdk.Latencies, 0.99):F2} ms, max {sdk.Latencies[^1]:F2} ms");
        if (sdk.Cpu is { } used)
        {
            Console.WriteLine($"CPU while publishing and delivering: this process (writers + relay) {used.Process.TotalSeconds:F2} s, Postgres {used.Postgres.TotalSeconds:F2} s; " +
                $"per message {used.Process.TotalMicroseconds / sdk.Latencies.Count:F0} + {used.Postgres.TotalMicroseconds / sdk.Latencies.Count:F0} us");
        }
        return 0;
    }

    private static async Task<List<double>> MeasureFloorAsync(NpgsqlDataSource dataSource, int samples)
    {
        await using var listener = await dataSource.OpenConnectionAsync();
        var received = new SemaphoreSlim(0);
        listener.Notification += (_, _) => received.Release();
        await using (var listen = new NpgsqlCommand("LISTEN bench_floor", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await listener.WaitAsync(stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await using var writer = await dataSource.OpenConnectionAsync();
        var result = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            await using var transaction = await writer.BeginTransactionAsync();
            await using (var notify = new NpgsqlCommand("SELECT pg_notify('bench_floor', '')", writer, transaction))
            {
                await notify.ExecuteNonQueryAsync();
            }

            var start = Stopwatch.GetTimestamp();
            await transaction.CommitAsync();
            await received.WaitAsync();
            result.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        await stop.CancelAsync();
        await pump;
        result.Sort();
        return result;
    }

    private static async Task<(List<double> Latencies, (TimeSpan Process, TimeSpan Postgres)? Cpu)> MeasureSdkAsync(
        NpgsqlDataSource dataSource, int ratePerSecond, int seconds, CpuMeter cpu, bool statements)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<LatencyLog>();
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            // OUTBOX_BENCH_DOP=n: an experiment with MaxDegreeOfParallelism (the result line then says it is not the default).
            if (int.TryParse(Environment.GetEnvironmentVariable("OUTBOX_BENCH_DOP"), out var dop))
            {
                o.MaxDegreeOfParallelism = dop;
            }
        });
        builder.Services.AddOutboxSdkBenchmarksOutboxTypes();
        using var host = builder.Build();
        await host.StartAsync();
        var outbox = host.Services.GetRequiredService<IOutbox>();
        var log = host.Services.GetRequiredService<LatencyLog>();

        // OUTBOX_BENCH_PAST_PARTITIONS=n: n more daily partitions before today's, as a week of the default retention
        // window leaves them (a fresh database has only today's, tomorrow's and the default one).
        if (int.TryParse(Environment.GetEnvironmentVariable("OUTBOX_BENCH_PAST_PARTITIONS"), out var past))
        {
            for (var day = 1; day <= past; day++)
            {
                var from = DateTime.UtcNow.Date.AddDays(-day);
                await using var create = dataSource.CreateCommand(
                    $"CREATE TABLE outbox.messages_bench_{day} PARTITION OF outbox.messages FOR VALUES FROM ('{from:yyyy-MM-dd}') TO ('{from.AddDays(1):yyyy-MM-dd}')");
                await create.ExecuteNonQueryAsync();
            }
        }

        // Warm up: connections, JIT, the relay's first batch.
        await PublishAsync(dataSource, outbox, -1, "warm");
        while (!log.Arrivals.ContainsKey(-1))
        {
            await Task.Delay(10);
        }

        if (statements)
        {
            await using var reset = dataSource.CreateCommand("SELECT pg_stat_statements_reset()");
            await reset.ExecuteNonQueryAsync();
        }

        var cpuBefore = cpu.Read();
        var total = ratePerSecond * seconds;
        var committedAt = new long[total];
        var interval = TimeSpan.FromSeconds(1.0 / ratePerSecond);
        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < total; i += 4)
            {
                var due = interval * i;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                committedAt[i] = await PublishAsync(dataSource, outbox, i, "key-" + (i % 16));
            }
        })).ToArray();
        await Task.WhenAll(writers);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Enumerable.Range(0, total).Any(i => !log.Arrivals.ContainsKey(i)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        if (statements)
        {
            await PrintStatementsAsync(dataSource, total);
        }

        await host.StopAsync();
        dataSource.Clear(); // idle backends exit, so the postmaster accounts for their CPU
        await Task.Delay(500);
        var cpuAfter = cpu.Read();
        var result = Enumerable.Range(0, total).Where(i => log.Arrivals.ContainsKey(i))
            .Select(i => Stopwatch.GetElapsedTime(committedAt[i], log.Arrivals[i]).TotalMilliseconds).ToList();
        result.Sort();
        if (result.Count < total)
        {
            Console.WriteLine($"WARNING: {total - result.Count} of {total} messages did not arrive within 30 s");
        }

        return (result, cpuBefore is { } b && cpuAfter is { } a ? (a.Process - b.Process, a.Postgres - b.Postgres) : null);
    }

    private static async Task<long> PublishAsync(NpgsqlDataSource dataSource, IOutbox outbox, long sequence, string key)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await outbox.PublishAsync(new Ping(sequence, key), transaction);
        var start = Stopwatch.GetTimestamp();
        await transaction.CommitAsync();
        return start;
    }

    private static async Task PrintStatementsAsync(NpgsqlDataSource dataSource, int messages)
    {
        await using var top = dataSource.CreateCommand(
            "SELECT calls, total_plan_time + total_exec_time, total_plan_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) " +
            "FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 15");
        await using var reader = await top.ExecuteReaderAsync();
        Console.WriteLine("Postgres time by statement (plan + execute; per message = total / messages):");
        while (await reader.ReadAsync())
        {
            Console.WriteLine($"  {reader.GetInt64(0),7} calls {reader.GetDouble(1) * 1000 / messages,7:F1} us/msg (plan {reader.GetDouble(2) * 1000 / messages,5:F1})  {reader.GetString(3)}");
        }
    }

    private static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
