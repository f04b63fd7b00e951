using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Operations.Tests;
using OutboxSdk;
using OutboxSdk.Registration;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.Testing;
using OutboxSdk.TestSupport;

namespace Topology.Tests;

/// <summary>
/// One test's outbox in Replication mode, in a database of its choice (two databases of one cluster may use the same
/// schema name): hosts that run the relay or only publish, with the area's messages and, when asked, its [ChangeFeed]
/// entity; their logs captured. On dispose the hosts stop and the slot, the publication and the schema are dropped.
/// </summary>
public sealed class TopologyOutbox : SchemaOutbox
{
    public TopologyOutbox(LocalPostgres postgres, string? database = null, string? schema = null)
        : base(postgres, "tp_", database: database, schema: schema)
    {
    }

    public LogCapture Logs { get; } = new();

    /// <summary>Starts a host (a relay unless <paramref name="runRelay"/> is false); a host that fails to start throws.</summary>
    public async Task<(IHost Host, Recorder Recorder)> StartAsync(bool runRelay = true, Action<OutboxOptions>? configure = null, bool entities = false)
    {
        var recorder = new Recorder();
        var host = await TestHost.StartAsync(
            o =>
            {
                o.DataSource = DataSource;
                o.Schema = Schema;
                o.RelayMode = RelayMode.Replication;
                o.RunRelay = runRelay;
                TestHost.Fast(o);
                o.Replication.StandbyRetryInterval = TimeSpan.FromMilliseconds(500);
                configure?.Invoke(o);
            },
            s => s.AddOutboxTypes(entities ? AreaRegistrations.TopologyWithEntities : AreaRegistrations.Topology),
            s => s.AddSingleton(recorder),
            Logs);
        Hosts.Add(host);
        return (host, recorder);
    }

    public Task PublishAsync(IHost host, string key, int from, int count) =>
        PublishWithAsync(host.Services.GetRequiredService<IOutbox>(), Enumerable.Range(from, count).Select(i => new Note(key, i)));

    /// <summary>The database a slot belongs to, or null when there is no such slot.</summary>
    public async Task<string?> SlotDatabaseAsync(string slot)
    {
        await using var command = DataSource.CreateCommand("SELECT database::text FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = slot });
        return await command.ExecuteScalarAsync() as string;
    }
}
