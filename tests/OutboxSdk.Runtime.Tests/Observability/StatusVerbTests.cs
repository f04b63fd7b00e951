using OutboxSdk.Cli;
using OutboxSdk.Schema;

namespace OutboxSdk.Observability.Tests;

[Collection(PostgresCollection.Name)]
public sealed class StatusVerbTests(PostgresFixture fixture)
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = OutboxCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Status_prints_backlog_dead_letters_partitions_and_schemas()
    {
        await using var outbox = await fixture.NewOutboxAsync(" x");
        var first = await outbox.InsertMessageAsync(DateTimeOffset.UtcNow.AddSeconds(-90));
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow);
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow);
        await outbox.MarkDeliveredThroughAsync(first);
        await outbox.ExecuteAsync($"""
            INSERT INTO {outbox.Q}."dead_letters" ("source", "subject", "attempts", "error") VALUES ('outbox', 'shop.order-placed', 5, 'boom');
            CREATE TABLE {outbox.Q}."messages_p20300101" PARTITION OF {outbox.Q}."messages" FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2030-01-02 00:00:00+00');
            """);
        await using (var register = outbox.DataSource.CreateCommand(OutboxSchema.RegisterSchemaSql(outbox.Schema)))
        {
            register.Parameters.AddWithValue(-2L);
            register.Parameters.AddWithValue("shop.order-placed");
            register.Parameters.AddWithValue("{}");
            register.Parameters.AddWithValue("{}");
            await register.ExecuteNonQueryAsync();
        }

        var (exit, stdout, stderr) = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema);

        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal($"schema: {outbox.Schema}", lines[0]);
        Assert.Equal("mode: Notify", lines[1]); // the queue's trigger is on
        Assert.StartsWith("backlog: 2 undelivered, oldest ", lines[2], StringComparison.Ordinal);
        Assert.Equal("dead letters: 1", lines[3]);
        Assert.Equal("partitions (2):", lines[4]);
        Assert.StartsWith("  messages_default  DEFAULT  ", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("  messages_p20300101  2030-01-01 00:00:00Z .. 2030-01-02 00:00:00Z  ", lines[6], StringComparison.Ordinal);
        Assert.Equal("schemas (1):", lines[7]);
        Assert.Equal("  shop.order-placed  v1  fffffffffffffffe", lines[8]);
        Assert.Equal(9, lines.Length);
    }

    [Fact]
    public async Task Status_of_a_schema_without_outbox_tables_fails_with_one_line()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var (exit, stdout, stderr) = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema + "_missing");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"outbox: schema '{outbox.Schema}_missing' has no outbox tables (apply the migrations first)\n", stderr);
    }

    [Fact]
    public void Status_against_an_unreachable_server_fails_with_one_line()
    {
        var (exit, stdout, stderr) = Run("status", "--connection", "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("outbox: cannot read the outbox status: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
