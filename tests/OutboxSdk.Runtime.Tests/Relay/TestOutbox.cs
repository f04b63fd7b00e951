using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Schema;
using OutboxSdk.Testing;
using OutboxSdk;

namespace Relay.Tests;

/// <summary>
/// One test's outbox: its own schema with the outbox tables (<see cref="OutboxSchema.CreateSql"/>), a writer that
/// does what the SDK's writer does (single-object bytes, headers, pg_notify in the caller's transaction), and
/// relay hosts configured for the schema. Dropped on dispose.
/// </summary>
public sealed class TestOutbox : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private TestOutbox(LocalPostgres postgres, string schema)
    {
        Schema = schema;
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
        {
            SearchPath = schema,
            MaxPoolSize = 50,
        }.ConnectionString);
    }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    public string Channel => "outbox_" + Schema;

    public static async Task<TestOutbox> CreateAsync(LocalPostgres postgres)
    {
        var outbox = new TestOutbox(postgres, "r_" + Guid.NewGuid().ToString("N")[..12]);
        await outbox.ExecuteAsync(OutboxSchema.CreateSql(outbox.Schema));
        await outbox.ExecuteAsync("CREATE TABLE ledger (account text NOT NULL, amount int NOT NULL, message_id uuid NOT NULL)");
        return outbox;
    }

    /// <summary>Starts a relay host with its own <see cref="Recorder"/>.</summary>
    public async Task<(IHost Host, Recorder Recorder)> StartRelayAsync(Action<OutboxOptions>? configure = null)
    {
        var recorder = new Recorder();
        var host = TestHost.Build(
            o =>
            {
                o.DataSource = DataSource;
                o.Schema = Schema;
                TestHost.Fast(o);
                configure?.Invoke(o);
            },
            services => services.AddOutboxSdkRelayTestsOutboxTypes(),
            services => services.AddSingleton(recorder));
        _hosts.Add(host);
        await host.StartAsync();
        return (host, recorder);
    }

    /// <summary>Writes <paramref name="messages"/> in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public async Task WriteAsync<T>(IEnumerable<T> messages, Func<T, string?> key, bool rollback = false, Guid? messageId = null)
        where T : IAvroSerializable<T>
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var message in messages)
        {
            var payload = new ArrayBufferWriter<byte>();
            AvroSerializer.SerializeSingleObject(message, payload);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO messages (message_id, subject, partition_key, schema_fingerprint, payload, headers) VALUES ($1, $2, $3, $4, $5, $6::jsonb)")
            {
                Parameters =
                {
                    new() { Value = messageId ?? Guid.NewGuid() }, new() { Value = SubjectOf<T>() },
                    new() { Value = (object?)key(message) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                    new() { Value = T.AvroFingerprint }, new() { Value = payload.WrittenSpan.ToArray() },
                    new() { Value = """{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""" },
                },
            });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, '')") { Parameters = { new() { Value = Channel } } });
        await batch.ExecuteNonQueryAsync();
        if (rollback)
        {
            await transaction.RollbackAsync();
        }
        else
        {
            await transaction.CommitAsync();
        }
    }

    public Task WriteStepsAsync(string orderId, int from, int count, bool rollback = false) =>
        WriteAsync(Enumerable.Range(from, count).Select(i => new OrderStep(orderId, i)), s => s.OrderId, rollback);

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

    /// <summary>The backend pid holding the relay's leader lock (its LISTEN connection), or null.</summary>
    public async Task<int?> LeaderPidAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = (hashtextextended($1, 0) & 4294967295)::oid LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = "outbox relay " + Schema });
        return await command.ExecuteScalarAsync() as int?;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await DataSource.DisposeAsync();
    }

    private static string SubjectOf<T>() =>
        (string)typeof(T).GetField("OutboxSubject")!.GetValue(null)!; // the generated constant of each [OutboxMessage] type
}
