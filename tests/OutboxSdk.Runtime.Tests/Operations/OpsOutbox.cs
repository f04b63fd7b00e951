using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.Testing;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Operations.Tests;

/// <summary>
/// One test's outbox in Replication mode: its own schema (so its own slot <c>outbox_&lt;schema&gt;</c> and
/// publication), hosts that run the relay or only publish, and helpers to read the slot and make WAL. On dispose the
/// hosts stop and the slot, the publication and the schema are dropped.
/// </summary>
public sealed class OpsOutbox : SchemaOutbox
{

    private OpsOutbox(LocalPostgres postgres)
        : base(postgres, "o_", maxPoolSize: null)
    {
    }

    public LogCapture Logs { get; } = new();

    public static async Task<OpsOutbox> CreateAsync(LocalPostgres postgres)
    {
        var outbox = new OpsOutbox(postgres);
        await outbox.ExecuteAsync($"CREATE SCHEMA \"{outbox.Schema}\"; CREATE TABLE \"{outbox.Schema}\".filler (id int, data text)");
        return outbox;
    }

    /// <summary>Builds and starts a host: the relay when <paramref name="runRelay"/>, else a publisher only.</summary>
    public async Task<(IHost Host, Recorder Recorder)> StartAsync(bool runRelay = true, Action<OutboxOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var host = Build(runRelay, configure, out var recorder, services);
        Hosts.Add(host);
        await host.StartAsync();
        return (host, recorder);
    }

    public IHost Build(bool runRelay, Action<OutboxOptions>? configure, out Recorder recorder, Action<IServiceCollection>? services = null)
    {
        var hostRecorder = recorder = new Recorder();
        return TestHost.Build(
            o =>
            {
                o.DataSource = DataSource;
                o.Schema = Schema;
                o.RelayMode = RelayMode.Replication;
                o.RunRelay = runRelay;
                o.PollInterval = TimeSpan.FromMilliseconds(500);
                o.Replication.StandbyRetryInterval = TimeSpan.FromMilliseconds(500);
                o.Replication.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
                configure?.Invoke(o);
            },
            s => s.AddOutboxSdkOperationsTestsOutboxTypes(),
            s =>
            {
                s.AddSingleton(hostRecorder);
                services?.Invoke(s);
            },
            Logs);
    }

    public async Task PublishAsync(IHost host, string key, int count)
    {
        var outbox = host.Services.GetRequiredService<IOutbox>();
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            await outbox.PublishAsync(new Ping(key, i), transaction);
        }

        await transaction.CommitAsync();
    }

    public static async Task<HealthReportEntry> HealthAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["outbox"];

    internal static SlotMonitor MonitorOf(IHost host) => host.Services.GetRequiredService<SlotMonitor>();

    internal static ReplicationState StateOf(IHost host) => host.Services.GetRequiredService<ReplicationState>();

    /// <summary>Writes about <paramref name="megabytes"/> MB of WAL into this outbox's filler table.</summary>
    public Task WriteWalAsync(int megabytes) =>
        // Committed synchronously: the test cluster runs with synchronous_commit=off, and pg_current_wal_lsn() (the WAL
        // written so far, which the slot metrics measure against) would otherwise lag behind the insert at random.
        ExecuteAsync($"BEGIN; SET LOCAL synchronous_commit = on; INSERT INTO filler SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, {megabytes * 2048}) g; COMMIT");

    /// <summary>Generates WAL with segment switches and checkpoints until Postgres invalidates the slot (wal_status lost).</summary>
    public async Task InvalidateSlotAsync()
    {
        for (var round = 0; round < 40; round++)
        {
            if (await WalStatusAsync() == "lost")
            {
                return;
            }

            await WriteWalAsync(1);
            await ExecuteAsync("SELECT pg_switch_wal()");
            await ExecuteAsync("CHECKPOINT");
        }

        Assert.Fail($"slot {Slot} was not invalidated: wal_status {await WalStatusAsync()}");
    }

    public async Task<string?> WalStatusAsync(string? slot = null)
    {
        await using var command = DataSource.CreateCommand("SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = slot ?? Slot });
        return await command.ExecuteScalarAsync() as string;
    }

    public async Task<bool> SlotExistsAsync(string slot)
    {
        await using var command = DataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checked every 200 ms; fails after a generous timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeoutSeconds}s waiting until {what}");
            }

            await Task.Delay(200);
        }
    }
}
