using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Testing;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Replication.Tests;

/// <summary>
/// One test's outbox in Replication mode: its own schema (and so its own slot <c>outbox_&lt;schema&gt;</c> and
/// publication), relay hosts that apply the migrations and set up the slot, and writes through the real
/// <see cref="IOutbox"/>. On dispose the hosts stop and the slot, the publication and the schema are dropped.
/// </summary>
public sealed class ReplicationOutbox : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private readonly Action<OutboxOptions>? _configure;

    private ReplicationOutbox(LocalPostgres postgres, Action<OutboxOptions>? configure)
    {
        Postgres = postgres;
        _configure = configure;
        Schema = "r_" + Guid.NewGuid().ToString("N")[..12];
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SearchPath = Schema, MaxPoolSize = 50 }.ConnectionString);
    }

    public LocalPostgres Postgres { get; }

    public string Schema { get; }

    public string Slot => "outbox_" + Schema;

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The outbox of the first host started: writes in the configured write mode.</summary>
    public IOutbox Outbox => _hosts[0].Services.GetRequiredService<IOutbox>();

    public static async Task<ReplicationOutbox> CreateAsync(LocalPostgres postgres, Action<OutboxOptions>? configure = null)
    {
        var outbox = new ReplicationOutbox(postgres, configure);
        await outbox.ExecuteAsync($"CREATE SCHEMA \"{outbox.Schema}\"; CREATE TABLE \"{outbox.Schema}\".ledger (account text NOT NULL, amount int NOT NULL, message_id uuid NOT NULL)");
        return outbox;
    }

    /// <summary>Starts a relay host with its own <see cref="Recorder"/>.</summary>
    /// <remarks>
    /// The assembly's [ChangeFeed] entity (<see cref="Transfer"/>) joins the publication only with
    /// <paramref name="changeFeed"/>: other tests' schemas have no transfers table.
    /// </remarks>
    public async Task<(IHost Host, Recorder Recorder)> StartRelayAsync(Action<OutboxOptions>? configure = null, Action<IServiceCollection>? services = null, bool changeFeed = false)
    {
        var recorder = new Recorder();
        var host = TestHost.Build(
            o =>
            {
                o.DataSource = DataSource;
                o.Schema = Schema;
                o.RelayMode = RelayMode.Replication;
                TestHost.Fast(o);
                o.Replication.StandbyRetryInterval = TimeSpan.FromMilliseconds(500);
                _configure?.Invoke(o);
                configure?.Invoke(o);
            },
            s => s.AddOutboxSdkReplicationTestsOutboxTypes(),
            s =>
            {
                s.AddSingleton(recorder);
                services?.Invoke(s);
                if (!changeFeed)
                {
                    s.TryAddSingleton<IChangeSink>(NoChangeSink.Instance);
                }
            },
            Environment.GetEnvironmentVariable("OUTBOX_TEST_LOG") is { Length: > 0 } log ? new FileLoggerProvider(log) : null);
        _hosts.Add(host);
        await host.StartAsync();
        return (host, recorder);
    }

    /// <summary>Stops and disposes <paramref name="host"/> (its relay lets go of the slot).</summary>
    public async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
        _hosts.Remove(host);
    }

    /// <summary>Publishes <paramref name="messages"/> through the outbox in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public async Task PublishAsync<T>(IEnumerable<T> messages, bool rollback = false, IOutbox? outbox = null)
        where T : IAvroSerializable<T>
    {
        outbox ??= Outbox;
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in messages)
        {
            await outbox.PublishAsync(message, transaction);
        }

        if (rollback)
        {
            await transaction.RollbackAsync();
        }
        else
        {
            await transaction.CommitAsync();
        }
    }

    public Task PublishStepsAsync(string orderId, int from, int count, bool rollback = false) =>
        PublishAsync(Enumerable.Range(from, count).Select(i => new OrderStep(orderId, i)), rollback);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The slot's confirmed_flush_lsn as a number.</summary>
    public async Task<ulong> ConfirmedFlushAsync(string? slot = null)
    {
        await using var command = DataSource.CreateCommand("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = slot ?? Slot });
        return (ulong)(NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The pid of the walsender streaming from the slot, or null while nobody does.</summary>
    public async Task<int?> ActivePidAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Slot });
        return await command.ExecuteScalarAsync() as int?;
    }

    internal ReplicationState StateOf(IHost host) => host.Services.GetRequiredService<ReplicationState>();

    /// <summary>Drops a slot, waiting until its walsender let go of it.</summary>
    public async Task DropSlotAsync(string slot)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var command = DataSource.CreateCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1");
                command.Parameters.Add(new NpgsqlParameter { Value = slot });
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == "55006" && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.ToList())
        {
            await StopAsync(host);
        }

        await DropSlotAsync(Slot);
        await ExecuteAsync($"DROP PUBLICATION IF EXISTS \"outbox_{Schema}\"; DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await DataSource.DisposeAsync();
    }
}
