using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.Migrations;
using OutboxSdk.Runtime.Tests.Infrastructure;

namespace OutboxSdk.Runtime.Tests.Core;

[Collection(PostgresCollection.Name)]
public sealed class MigrationCliTests(PostgresFixture db)
{
    [Fact]
    public void Script_prints_the_migrations_of_the_given_schema()
    {
        var (exit, stdout, stderr) = Run("script", "--schema", "billing_outbox");

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Equal(OutboxMigrator.Script("billing_outbox"), stdout);
        Assert.Contains("CREATE TABLE IF NOT EXISTS \"billing_outbox\".\"messages\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_defaults_to_the_outbox_schema()
    {
        Assert.Equal(OutboxMigrator.Script("outbox"), Run("script").Stdout);
    }

    [Fact]
    public async Task Migrate_applies_then_reports_up_to_date()
    {
        var schema = PostgresFixture.NewSchemaName();

        var first = Run("migrate", "--connection", db.ConnectionString, "--schema", schema);
        var second = Run("migrate", "--connection", db.ConnectionString, "--schema", schema);

        Assert.Equal((0, $"schema \"{schema}\": applied version 1, 2, 3, 4, 5; now at version 5\n", ""), first);
        Assert.Equal((0, $"schema \"{schema}\" is up to date at version 5\n", ""), second);
        await using var dataSource = db.CreateDataSource();
        Assert.Equal(OutboxMigrator.LatestVersion, await new OutboxMigrator(dataSource, schema).GetVersionAsync());
    }

    [Fact]
    public void Migrate_reports_an_unreachable_server_on_one_line()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;

        var (exit, stdout, stderr) = Run("migrate", "--connection", unreachable);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("outbox: migrate: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Bad_arguments_are_one_line_errors()
    {
        Assert.StartsWith("outbox: --connection: not a valid connection string", Run("migrate", "--connection", "Bogus Keyword=1").Stderr, StringComparison.Ordinal);
        Assert.StartsWith("outbox: --schema: ", Run("script", "--schema", new string('s', 64)).Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, Run("migrate").Exit); // --connection is required
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = OutboxCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
