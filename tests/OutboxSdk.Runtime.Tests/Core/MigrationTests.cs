using System.Diagnostics;
using Npgsql;
using OutboxSdk.Migrations;
using OutboxSdk.Runtime.Tests.Infrastructure;

namespace OutboxSdk.Runtime.Tests.Core;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture db) : IAsyncLifetime
{
    private static readonly string[] Tables = ["dead_letters", "inbox", "messages", "messages_default", "migrations", "pending", "replication_positions", "schemas"];
    private readonly NpgsqlDataSource _dataSource = db.CreateDataSource();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Migrating_twice_applies_versions_1_and_2_once_and_then_finds_the_database_up_to_date()
    {
        var schema = PostgresFixture.NewSchemaName();
        var migrator = new OutboxMigrator(_dataSource, schema);
        Assert.Equal(0, await migrator.GetVersionAsync());

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(1, first.Applied[0]);
        Assert.Equal(OutboxMigrator.LatestVersion, first.Applied[^1]);
        Assert.Equal(OutboxMigrator.LatestVersion, first.Version);
        Assert.Empty(second.Applied);
        Assert.Equal(OutboxMigrator.LatestVersion, second.Version);
        Assert.Equal(OutboxMigrator.LatestVersion, await migrator.GetVersionAsync());
        Assert.Equal(Tables, await TablesOf(schema));
        Assert.Equal((long)first.Applied.Count, await Scalar<long>($"SELECT count(*) FROM \"{schema}\".migrations"));
    }

    [Fact]
    public async Task Five_migrators_started_at_once_apply_the_migrations_exactly_once_without_errors()
    {
        var schema = PostgresFixture.NewSchemaName();
        using var start = new SemaphoreSlim(0);
        var runs = Enumerable.Range(0, 5).Select(async _ =>
        {
            await start.WaitAsync();
            return await new OutboxMigrator(_dataSource, schema).MigrateAsync();
        }).ToList();
        start.Release(5);

        var results = await Task.WhenAll(runs);

        Assert.Single(results, r => r.Applied.Count > 0);
        Assert.All(results, r => Assert.Equal(OutboxMigrator.LatestVersion, r.Version));
        Assert.Equal(Tables, await TablesOf(schema));
    }

    [Fact]
    public async Task The_script_applies_cleanly_with_psql_twice_and_the_migrator_then_has_nothing_to_do()
    {
        var schema = PostgresFixture.NewSchemaName();
        var script = OutboxMigrator.Script(schema);

        await RunPsql(script);
        await RunPsql(script); // idempotent: a DBA may apply it again after an upgrade

        Assert.Equal(Tables, await TablesOf(schema));
        var result = await new OutboxMigrator(_dataSource, schema).MigrateAsync();
        Assert.Empty(result.Applied);
        Assert.Equal(OutboxMigrator.LatestVersion, result.Version);
    }

    [Fact]
    public async Task The_script_skips_a_version_the_migrator_already_applied()
    {
        var schema = PostgresFixture.NewSchemaName();
        var applied = await new OutboxMigrator(_dataSource, schema).MigrateAsync();

        await RunPsql(OutboxMigrator.Script(schema));

        Assert.Equal((long)OutboxMigrator.LatestVersion, await Scalar<long>($"SELECT count(*) FROM \"{schema}\".migrations"));
    }

    [Fact]
    public async Task Upgrading_a_version_1_database_queues_every_message_written_before_and_later_inserts_queue_and_notify()
    {
        var schema = PostgresFixture.NewSchemaName();
        await MakeVersion1Async(schema);
        await InsertMessagesAsync(schema, "a", "b", null);

        var result = await new OutboxMigrator(_dataSource, schema).MigrateAsync();
        Assert.Equal([2, 3, 4, 5], result.Applied);
        Assert.Equal(await Scalar<long[]>($"SELECT array_agg(id ORDER BY id) FROM \"{schema}\".messages"),
            await Scalar<long[]>($"SELECT array_agg(id ORDER BY id) FROM \"{schema}\".pending"));

        // The trigger queues a new message and names it, with its key, on the default channel.
        await using var listener = await _dataSource.OpenConnectionAsync();
        string? payload = null;
        listener.Notification += (_, e) => payload ??= e.Channel + "|" + e.Payload;
        await using (var listen = new NpgsqlCommand($"LISTEN \"outbox_{schema}\"", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var id = (await InsertMessagesAsync(schema, "k1")).Single();
        await listener.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"outbox_{schema}|{id}:k1", payload);
        Assert.Equal(4L, await Scalar<long>($"SELECT count(*) FROM \"{schema}\".pending"));
    }

    [Fact]
    public async Task Upgrading_a_version_1_database_whose_relay_made_the_queue_keeps_it_and_redelivers_nothing()
    {
        var schema = PostgresFixture.NewSchemaName();
        await MakeVersion1Async(schema);

        // What a relay of SDK version 1 made at its start: the queue and its trigger (it backfilled then).
        var s = $"\"{schema}\"";
        await Execute($"""
            CREATE TABLE {s}.pending (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, partition_key text,
                attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz, last_error text);
            CREATE FUNCTION {s}.relay_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO {s}.pending (id, created_at, partition_key) VALUES (NEW.id, NEW.created_at, NEW.partition_key); RETURN NULL; END $$;
            CREATE TRIGGER relay_enqueue AFTER INSERT ON {s}.messages FOR EACH ROW EXECUTE FUNCTION {s}.relay_enqueue();
            """);
        var ids = await InsertMessagesAsync(schema, "a", "a", "b");
        await Execute($"DELETE FROM {s}.pending WHERE id <> {ids[1]}"); // delivered by that relay

        await new OutboxMigrator(_dataSource, schema).MigrateAsync();

        Assert.Equal([ids[1]], await Scalar<long[]>($"SELECT array_agg(id ORDER BY id) FROM {s}.pending"));
        var later = (await InsertMessagesAsync(schema, "c")).Single();
        Assert.Equal([ids[1], later], await Scalar<long[]>($"SELECT array_agg(id ORDER BY id) FROM {s}.pending"));
    }

    [Fact]
    public void The_lock_key_is_stable_per_schema_and_differs_between_schemas()
    {
        Assert.Equal(OutboxMigrator.LockKey("outbox"), OutboxMigrator.LockKey("outbox"));
        Assert.NotEqual(OutboxMigrator.LockKey("outbox"), OutboxMigrator.LockKey("outbox2"));
        Assert.Contains($"pg_advisory_xact_lock({OutboxMigrator.LockKey("outbox")})", OutboxMigrator.Script("outbox"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deliverys_inbox_lookup_by_message_id_uses_an_index_however_large_the_inbox_grows()
    {
        // Every delivery asks which handlers already ran for its message; with only the (handler, message_id) key
        // that read the whole inbox (migration 4 adds the index).
        var schema = PostgresFixture.NewSchemaName();
        await new OutboxMigrator(_dataSource, schema).MigrateAsync();
        await Execute($"""
            INSERT INTO "{schema}".inbox (handler, message_id)
            SELECT 'Handler' || (i % 3), gen_random_uuid() FROM generate_series(1, 60000) i;
            ANALYZE "{schema}".inbox;
            """);

        var plan = await Scalar<string>(
            $"EXPLAIN (FORMAT JSON) SELECT i.handler FROM \"{schema}\".inbox i WHERE i.message_id = '7d8f1c1e-55a5-4f5b-9a38-0c6c3c1f4b0e'");

        Assert.Contains("inbox_message_id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Seq Scan\"", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_name_that_is_not_an_identifier_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new OutboxMigrator(_dataSource, new string('x', 64)));
        Assert.Throws<ArgumentException>(() => OutboxMigrator.Script(""));
    }

    /// <summary>A database as SDK version 1 left it: the outbox tables, migration 1 recorded, no relay queue.</summary>
    private async Task MakeVersion1Async(string schema)
    {
        await Execute(OutboxSdk.Schema.OutboxSchema.CreateSql(schema));
        await Execute($"""
            CREATE TABLE "{schema}".migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO "{schema}".migrations (version, description) VALUES (1, 'outbox tables');
            """);
    }

    private async Task<long[]> InsertMessagesAsync(string schema, params string?[] keys)
    {
        var ids = new List<long>();
        foreach (var key in keys)
        {
            await using var command = _dataSource.CreateCommand(
                $"INSERT INTO \"{schema}\".messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), 's', $1, 1, '\\x00') RETURNING id");
            command.Parameters.Add(new() { Value = (object?)key ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            ids.Add((long)(await command.ExecuteScalarAsync())!);
        }

        return [.. ids];
    }

    private async Task Execute(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string[]> TablesOf(string schema)
    {
        await using var command = _dataSource.CreateCommand("SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = $1");
        command.Parameters.Add(new() { Value = schema });
        return (string[])(await command.ExecuteScalarAsync())!;
    }

    private async Task<T> Scalar<T>(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task RunPsql(string script)
    {
        var psql = Path.Combine(db.Postgres.BinDirectory, "psql");
        var info = new ProcessStartInfo(psql)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", db.Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"psql exit {process.ExitCode}: {await stderr} {await stdout}");
        Assert.DoesNotContain("ERROR", await stderr, StringComparison.Ordinal);
    }
}
