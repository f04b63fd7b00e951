using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Runtime.Tests.Infrastructure;
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
public sealed class ReplicationOutbox : SchemaOutbox
{
    private readonly Action<OutboxOptions>? _configure;

    private ReplicationOutbox(LocalPostgres postgres, Action<OutboxOptions>? configure, string? database, string? schema)
        : base(postgres, "r_", database: database, schema: schema) => _configure = configure;

    /// <summary>The outbox of the first host started: writes in the configured write mode.</summary>
    public IOutbox Outbox => Hosts[0].Services.GetRequiredService<IOutbox>();

    /// <param name="postgres">The cluster.</param>
    /// <param name="configure">Options of every host.</param>
    /// <param name="database">The database (default <c>postgres</c>).</param>
    /// <param name="schema">The schema (default a new name): the same in two databases, for tests of a shared cluster.</param>
    public static async Task<ReplicationOutbox> CreateAsync(LocalPostgres postgres, Action<OutboxOptions>? configure = null, string? database = null, string? schema = null)
    {
        var outbox = new ReplicationOutbox(postgres, configure, database, schema);
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
        Hosts.Add(host);
        await host.StartAsync();
        return (host, recorder);
    }

    /// <summary>Publishes <paramref name="messages"/> through the outbox in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public Task PublishAsync<T>(IEnumerable<T> messages, bool rollback = false, IOutbox? outbox = null)
        where T : IAvroSerializable<T>
        => PublishWithAsync(outbox ?? Outbox, messages, rollback);

    public Task PublishStepsAsync(string orderId, int from, int count, bool rollback = false) =>
        PublishAsync(Enumerable.Range(from, count).Select(i => new OrderStep(orderId, i)), rollback);

    /// <summary>The slot's confirmed_flush_lsn as a number.</summary>
    public async Task<ulong> ConfirmedFlushAsync(string? slot = null)
    {
        await using var command = DataSource.CreateCommand("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = slot ?? Slot });
        return (ulong)(NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync())!;
    }

    internal ReplicationState StateOf(IHost host) => host.Services.GetRequiredService<ReplicationState>();
}
