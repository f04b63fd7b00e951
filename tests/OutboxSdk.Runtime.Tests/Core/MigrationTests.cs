using System.Diagnostics;
using Npgsql;
using OutboxSdk.Migrations;
using OutboxSdk.Runtime.Tests.Infrastructure;

namespace OutboxSdk.Runtime.Tests.Core;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture db) : IAsyncLifetime
{
    private static readonly string[] Tables = ["checkpoints", "dead_letters", "inbox", "messages", "messages_default", "migrations", "replication_positions", "schemas"];
    private readonly NpgsqlDataSource _dataSource = db.CreateDataSource();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Migrating_twice_applies_version_1_once_and_then_finds_the_database_up_to_date()
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
    public async Task Five_migrators_started_at_once_apply_the_migration_exactly_once_without_errors()
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

        Assert.Equal((long)applied.Applied.Count, await Scalar<long>($"SELECT count(*) FROM \"{schema}\".migrations"));
    }

    [Fact]
    public void The_lock_key_is_stable_per_schema_and_differs_between_schemas()
    {
        Assert.Equal(OutboxMigrator.LockKey("outbox"), OutboxMigrator.LockKey("outbox"));
        Assert.NotEqual(OutboxMigrator.LockKey("outbox"), OutboxMigrator.LockKey("outbox2"));
        Assert.Contains($"pg_advisory_xact_lock({OutboxMigrator.LockKey("outbox")})", OutboxMigrator.Script("outbox"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_name_that_is_not_an_identifier_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new OutboxMigrator(_dataSource, new string('x', 64)));
        Assert.Throws<ArgumentException>(() => OutboxMigrator.Script(""));
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
