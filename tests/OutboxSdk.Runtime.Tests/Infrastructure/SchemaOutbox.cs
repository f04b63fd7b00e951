using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Testing;

namespace OutboxSdk.Runtime.Tests.Infrastructure;

/// <summary>
/// What the areas' per-test outboxes share: one schema of their own (and so their own slot <c>outbox_&lt;schema&gt;</c>
/// and publication), a data source whose search path is that schema, the hosts a test started, ad-hoc SQL, a
/// transactional publish, and on dispose: the hosts stopped, the slot and the publication dropped (when the outbox uses
/// them), the schema dropped.
/// </summary>
public abstract class SchemaOutbox : IAsyncDisposable
{
    protected SchemaOutbox(LocalPostgres postgres, string prefix, int? maxPoolSize = 50, string? database = null, string? schema = null)
    {
        Postgres = postgres;
        Schema = schema ?? prefix + Guid.NewGuid().ToString("N")[..12];
        Database = database ?? "postgres";
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionStringFor(Database)) { SearchPath = Schema };
        if (maxPoolSize is { } size)
        {
            connection.MaxPoolSize = size;
        }

        DataSource = NpgsqlDataSource.Create(connection.ConnectionString);
    }

    public LocalPostgres Postgres { get; }

    public string Schema { get; }

    /// <summary>The default slot of the schema in the test cluster's database.</summary>
    public string Slot => OutboxSdk.Sources.Wal.ReplicationNames.DefaultSlot(Schema, Database);

    /// <summary>The database of the outbox (default <c>postgres</c>; another one for tests of a shared cluster).</summary>
    public string Database { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The hosts started and not stopped yet, first started first.</summary>
    protected List<IHost> Hosts { get; } = [];

    /// <summary>Whether the outbox runs in Replication mode, so a slot and a publication are left to drop.</summary>
    protected virtual bool UsesSlot => true;

    /// <summary>Stops and disposes <paramref name="host"/> (its relay lets go of the slot or the leader lock).</summary>
    public async Task StopAsync(IHost host)
    {
        Hosts.Remove(host);
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Publishes <paramref name="messages"/> through <paramref name="outbox"/> in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public async Task PublishWithAsync<T>(IOutbox outbox, IEnumerable<T> messages, bool rollback = false)
        where T : IAvroSerializable<T>
    {
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

    /// <summary>The pid of the walsender streaming from the outbox's slot, or null while nobody does.</summary>
    public async Task<int?> ActivePidAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Slot });
        return await command.ExecuteScalarAsync() as int?;
    }

    /// <summary>Drops a slot, if any, waiting until its walsender let go of it.</summary>
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
        foreach (var host in Hosts.ToList())
        {
            await StopAsync(host);
        }

        if (UsesSlot)
        {
            await DropSlotAsync(Slot);
            await DropSlotAsync(OutboxSdk.Sources.Wal.ReplicationNames.LegacySlot(Schema));
            await ExecuteAsync($"DROP PUBLICATION IF EXISTS \"outbox_{Schema}\"");
        }

        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await DataSource.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
