using System.Diagnostics;
using System.Globalization;
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

/// <summary>A small message for the replication throughput run.</summary>
[OutboxMessage("bench.tick")]
public partial record Tick(long Sequence, [property: PartitionKey] string Key) : INotification;

/// <summary>Counts ticks; completes when the expected number arrived.</summary>
public sealed class TickCounter
{
    private long _count;

    public long Expected { get; set; } = long.MaxValue;

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The count after which timing starts (the warm-up's end).</summary>
    public long WarmUp { get; set; }

    public long WarmedAt { get; private set; }

    public void Add()
    {
        var count = Interlocked.Increment(ref _count);
        if (count == WarmUp)
        {
            WarmedAt = Stopwatch.GetTimestamp();
        }

        if (count == Expected)
        {
            Done.TrySetResult();
        }
    }
}

/// <summary>The trivial handler of the run.</summary>
public sealed class TickHandler(TickCounter counter) : INotificationHandler<Tick>
{
    public Task Handle(Tick notification, CancellationToken cancellationToken)
    {
        counter.Add();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Replication relay throughput against pg_recvlogical, side by side in one run on a throwaway local Postgres: one
/// publication, two pgoutput slots created at the same point, a warm-up of 10 000 messages then N messages written
/// once (100 per transaction). pg_recvlogical reads slot 1 to the warm-up's end LSN, then, timed, to the end LSN into
/// /dev/null (proto_version=2, binary, streaming, messages: what the relay asks for). The relay, with a trivial
/// handler, reads slot 2; it is timed from the warm-up's last message to the N-th after it. Both measure the steady
/// state of a running reader: process start, JIT and tiering are outside the timed part.
/// </summary>
internal static class ReplicationThroughput
{
    private const string Schema = "bench";
    private const string RelaySlot = "bench_relay";
    private const string ReaderSlot = "bench_recvlogical";
    private const int WarmUp = 10_000;

    public static async Task<int> RunAsync(int messages)
    {
        await using var pg = await LocalPostgres.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(pg.ConnectionString);

        // The relay's startup applies the migrations and creates the publication and its slot; the host stops at once.
        var counter = new TickCounter();
        using (var setup = BuildHost(dataSource, counter))
        {
            await setup.StartAsync();
            await setup.StopAsync();
        }

        // The stopped relay's walsender exits a moment after its client: the timed relay must not find the slot busy.
        while (await ScalarAsync(dataSource, $"SELECT active FROM pg_replication_slots WHERE slot_name = '{RelaySlot}'") is true)
        {
            await Task.Delay(50);
        }

        await using (var create = dataSource.CreateCommand($"SELECT pg_create_logical_replication_slot('{ReaderSlot}', 'pgoutput')"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var warmLsn = await WriteAsync(dataSource, 0, WarmUp);
        var endLsn = await WriteAsync(dataSource, WarmUp, messages);
        Console.WriteLine($"wrote {WarmUp} + {messages} messages; warm-up ends at LSN {warmLsn}, the run at {endLsn}");

        _ = await TimeRecvLogicalAsync(pg, warmLsn);
        var reader = await TimeRecvLogicalAsync(pg, endLsn);
        var relay = await TimeRelayAsync(dataSource, counter, messages);

        var readerRate = messages / reader.TotalSeconds;
        var relayRate = messages / relay.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pg_recvlogical (to /dev/null): {reader.TotalSeconds:F2} s, {readerRate:F0} messages/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OutboxSdk Replication relay (trivial handler): {relay.TotalSeconds:F2} s, {relayRate:F0} messages/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"relay / pg_recvlogical = {relayRate / readerRate:P0} (target >= 80%)"));
        return 0;
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static IHost BuildHost(NpgsqlDataSource dataSource, TickCounter counter)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(counter);
        builder.Services.AddSingleton(new LatencyLog());
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            o.Schema = Schema;
            o.RelayMode = RelayMode.Replication;
            o.Replication.SlotName = RelaySlot;
            o.Replication.PublicationName = "bench_pub";
        });
        builder.Services.AddOutboxSdkBenchmarksOutboxTypes();
        builder.Logging.AddProvider(new StderrLoggerProvider());
        return builder.Build();
    }

    private static async Task<string> WriteAsync(NpgsqlDataSource dataSource, int first, int messages)
    {
        using var publisher = BuildHost(dataSource, new TickCounter());
        var outbox = publisher.Services.GetRequiredService<IOutbox>();
        for (var start = first; start < first + messages; start += 100)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var batch = Enumerable.Range(start, Math.Min(100, first + messages - start)).Select(i => new Tick(i, "k" + (i % 16))).ToList();
            await outbox.PublishBatchAsync(batch, transaction);
            await transaction.CommitAsync();
        }

        await using var lsn = dataSource.CreateCommand("SELECT pg_current_wal_lsn()::text");
        return (string)(await lsn.ExecuteScalarAsync())!;
    }

    private static async Task<TimeSpan> TimeRecvLogicalAsync(LocalPostgres pg, string endLsn)
    {
        var start = new ProcessStartInfo(Path.Combine(pg.BinDirectory, "pg_recvlogical"))
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-d", $"host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres", "--slot", ReaderSlot, "--start",
                     "-o", "proto_version=2", "-o", "publication_names=bench_pub", "-o", "binary=true", "-o", "streaming=on", "-o", "messages=true",
                     "--endpos", endLsn, "--no-loop", "-f", "/dev/null",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_recvlogical exited with {process.ExitCode}: {errors}");
        }

        return clock.Elapsed;
    }

    private static async Task<TimeSpan> TimeRelayAsync(NpgsqlDataSource dataSource, TickCounter counter, int messages)
    {
        counter.WarmUp = WarmUp;
        counter.Expected = WarmUp + messages;
        using var host = BuildHost(dataSource, counter);
        await host.StartAsync();
        await counter.Done.Task.WaitAsync(TimeSpan.FromMinutes(10));
        var elapsed = Stopwatch.GetElapsedTime(counter.WarmedAt);
        await host.StopAsync();
        return elapsed;
    }
}
