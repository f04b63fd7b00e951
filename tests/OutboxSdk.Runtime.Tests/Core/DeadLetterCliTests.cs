using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.Migrations;
using OutboxSdk.Runtime.Tests.Infrastructure;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary><c>outbox dead-letters list|replay|discard</c> in-process against real outbox tables.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadLetterCliTests(PostgresFixture db) : IAsyncLifetime
{
    private readonly NpgsqlDataSource _dataSource = db.CreateDataSource();
    private readonly string _schema = PostgresFixture.NewSchemaName();

    public async Task InitializeAsync() => await new OutboxMigrator(_dataSource, _schema).MigrateAsync();

    public async Task DisposeAsync()
    {
        await using (var drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task List_prints_one_tab_separated_line_per_dead_letter_with_the_first_line_of_the_error()
    {
        var id = await InsertDeadLetterAsync("shop.order-placed", "customer-7", "boom\n   at Handler.Handle()");
        var keyless = await InsertDeadLetterAsync("shop.audit", null, "bad");

        var (exit, stdout, stderr) = Run("dead-letters", "list", "--connection", db.ConnectionString, "--schema", _schema);

        Assert.Equal((0, ""), (exit, stderr));
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        var first = lines[0].Split('\t');
        Assert.Equal(new[] { id.ToString(), "shop.order-placed", "customer-7", "3", "Shop.ReceiptHandler", "boom" },
            new[] { first[0], first[2], first[3], first[4], first[5], first[6] });
        Assert.True(DateTimeOffset.TryParse(first[1], out _), first[1]);
        Assert.StartsWith(keyless + "\t", lines[1], StringComparison.Ordinal);
        Assert.Equal("-", lines[1].Split('\t')[3]); // no partition key

        var paged = Run("dead-letters", "list", "-c", db.ConnectionString, "--schema", _schema, "--after", id.ToString(), "--limit", "1");
        Assert.StartsWith(keyless + "\t", paged.Stdout, StringComparison.Ordinal);
        Assert.Single(paged.Stdout.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Replay_moves_the_dead_letter_back_into_the_outbox_with_its_message_id()
    {
        var messageId = Guid.NewGuid();
        var id = await InsertDeadLetterAsync("shop.order-placed", "customer-7", "boom", messageId);

        var (exit, stdout, stderr) = Run("dead-letters", "replay", id.ToString(), "--connection", db.ConnectionString, "--schema", _schema);

        Assert.Equal((0, $"replayed {id}\n", ""), (exit, stdout, stderr));
        Assert.Equal(0L, await CountAsync("dead_letters"));
        Assert.Equal(1L, await CountAsync("messages", $"\"message_id\" = '{messageId}' AND \"subject\" = 'shop.order-placed' AND \"partition_key\" = 'customer-7'"));
    }

    [Fact]
    public async Task Discard_deletes_the_dead_letter_and_sends_nothing()
    {
        var id = await InsertDeadLetterAsync("shop.order-placed", null, "boom");

        var (exit, stdout, stderr) = Run("dead-letters", "discard", id.ToString(), "--connection", db.ConnectionString, "--schema", _schema);

        Assert.Equal((0, $"discarded {id}\n", ""), (exit, stdout, stderr));
        Assert.Equal(0L, await CountAsync("dead_letters"));
        Assert.Equal(0L, await CountAsync("messages"));
    }

    [Fact]
    public async Task Replaying_by_subject_sends_those_back_in_dead_letter_order_and_leaves_the_rest()
    {
        Guid firstMessage = Guid.NewGuid(), secondMessage = Guid.NewGuid();
        await InsertDeadLetterAsync("shop.order-placed", "customer-7", "boom", firstMessage);
        var other = await InsertDeadLetterAsync("shop.audit", "customer-7", "boom");
        await InsertDeadLetterAsync("shop.order-placed", "customer-7", "boom again", secondMessage);
        var unsendable = await InsertDeadLetterAsync("shop.order-placed", null, "undecodable", payload: false);
        var store = new DeadLetters.DeadLetterStore(_dataSource, _schema);

        Assert.Equal(2, await store.ReplayMatchingAsync(new DeadLetterFilter { Subject = "shop.order-placed" }));

        // Same key, back in the order they failed: the outbox's ids follow the dead letters' ids.
        Assert.Equal([firstMessage, secondMessage], await OutboxMessageIdsAsync());
        Assert.Equal([other, unsendable], (await store.ListAsync()).Select(l => l.Id));
    }

    [Fact]
    public async Task Discarding_by_error_text_and_failure_time_takes_only_what_matches_and_an_empty_filter_is_refused()
    {
        var old = await InsertDeadLetterAsync("shop.order-placed", null, "System.TimeoutException: the payment API");
        var recent = await InsertDeadLetterAsync("shop.order-placed", null, "System.TimeoutException: the payment API");
        var different = await InsertDeadLetterAsync("shop.order-placed", null, "System.InvalidOperationException: bad state");
        await ExecuteAsync($"UPDATE \"{_schema}\".\"dead_letters\" SET \"failed_at\" = now() - interval '2 days' WHERE \"id\" = {old}");
        var store = new DeadLetters.DeadLetterStore(_dataSource, _schema);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => store.DiscardMatchingAsync(new DeadLetterFilter()));
        Assert.Contains("DeadLetterFilter.All", empty.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplayMatchingAsync(new DeadLetterFilter()));
        Assert.Equal(3L, await CountAsync("dead_letters"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.DiscardMatchingAsync(new DeadLetterFilter { ErrorContains = "", Subject = "" })); // empty texts are no criteria
        Assert.Equal(3L, await CountAsync("dead_letters"));

        // Any offset: a time in UTC+02:00 means the same instant.
        var lastDay = new DeadLetterFilter { ErrorContains = "TimeoutException", FailedFrom = DateTimeOffset.UtcNow.AddDays(-1).ToOffset(TimeSpan.FromHours(2)) };
        Assert.Equal([recent], (await store.ListMatchingAsync(lastDay)).Select(l => l.Id));
        Assert.Equal(1, await store.DiscardMatchingAsync(lastDay));
        Assert.Equal([old, different], (await store.ListAsync()).Select(l => l.Id));

        Assert.Equal(2, await store.DiscardMatchingAsync(DeadLetterFilter.All));
        Assert.Equal(0L, await CountAsync("dead_letters"));
    }

    [Fact]
    public async Task The_cli_replays_and_discards_by_filter_and_asks_which_when_given_nothing()
    {
        await InsertDeadLetterAsync("shop.order-placed", "customer-7", "boom");
        await InsertDeadLetterAsync("shop.order-placed", "customer-8", "boom");
        var audit = await InsertDeadLetterAsync("shop.audit", null, "System.FormatException: bad");

        var listed = Run("dead-letters", "list", "-c", db.ConnectionString, "--schema", _schema, "--error-contains", "FormatException");
        Assert.StartsWith(audit + "\t", listed.Stdout, StringComparison.Ordinal);
        Assert.Single(listed.Stdout.TrimEnd('\n').Split('\n'));

        var nothing = Run("dead-letters", "discard", "-c", db.ConnectionString, "--schema", _schema);
        Assert.Equal((1, ""), (nothing.Exit, nothing.Stdout));
        Assert.StartsWith("outbox: which dead letters? give an id, filter options", nothing.Stderr, StringComparison.Ordinal);
        var both = Run("dead-letters", "discard", audit.ToString(), "--subject", "shop.audit", "-c", db.ConnectionString, "--schema", _schema);
        Assert.Equal(1, both.Exit);
        Assert.Equal(3L, await CountAsync("dead_letters"));

        Assert.Equal((0, "replayed 2 dead letter(s)\n", ""), Run("dead-letters", "replay", "--subject", "shop.order-placed", "-c", db.ConnectionString, "--schema", _schema));
        Assert.Equal(2L, await CountAsync("messages"));
        Assert.Equal((0, "discarded 1 dead letter(s)\n", ""), Run("dead-letters", "discard", "--all", "-c", db.ConnectionString, "--schema", _schema));
        Assert.Equal(0L, await CountAsync("dead_letters"));
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("discard")]
    public void An_unknown_id_is_a_one_line_error(string verb)
    {
        var (exit, stdout, stderr) = Run("dead-letters", verb, "424242", "--connection", db.ConnectionString, "--schema", _schema);

        Assert.Equal((1, "", "outbox: dead letter 424242 does not exist\n"), (exit, stdout, stderr));
    }

    [Fact]
    public async Task A_dead_letter_without_a_payload_cannot_be_replayed_and_stays()
    {
        var id = await InsertDeadLetterAsync("shop.order-placed", null, "undecodable", payload: false);

        var (exit, stdout, stderr) = Run("dead-letters", "replay", id.ToString(), "--connection", db.ConnectionString, "--schema", _schema);

        Assert.Equal((1, ""), (exit, stdout));
        Assert.Equal($"outbox: dead letter {id} has no payload or schema fingerprint to send again\n", stderr);
        Assert.Equal(1L, await CountAsync("dead_letters"));
    }

    [Theory]
    [InlineData("list", null)]
    [InlineData("replay", "1")]
    [InlineData("discard", "1")]
    public void An_unreachable_server_is_a_one_line_error(string verb, string? id)
    {
        var unreachable = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        string[] target = id is null ? [verb] : [verb, id];

        var (exit, stdout, stderr) = Run(["dead-letters", .. target, "--connection", unreachable, "--schema", _schema]);

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith($"outbox: dead-letters {verb}: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Bad_input_is_a_one_line_error_or_a_usage_error()
    {
        var malformed = Run("dead-letters", "list", "--connection", "Bogus Keyword=1");
        Assert.Equal(1, malformed.Exit);
        Assert.StartsWith("outbox: --connection: not a valid connection string", malformed.Stderr, StringComparison.Ordinal);
        Assert.Single(malformed.Stderr.TrimEnd('\n').Split('\n'));

        var missingTables = Run("dead-letters", "list", "--connection", db.ConnectionString, "--schema", "no_such_outbox");
        Assert.Equal(1, missingTables.Exit);
        Assert.Contains("no_such_outbox", missingTables.Stderr, StringComparison.Ordinal);

        Assert.NotEqual(0, Run("dead-letters", "replay", "not-a-number", "--connection", db.ConnectionString).Exit);
        Assert.NotEqual(0, Run("dead-letters", "list").Exit); // --connection is required
    }

    [Fact]
    public void Help_lists_every_verb_and_no_longer_points_only_at_avro()
    {
        var (exit, stdout, _) = Run("--help");

        Assert.Equal(0, exit);
        foreach (var verb in new[] { "avro", "schemas", "status", "dead-letters", "migrate", "script" })
        {
            Assert.Contains("  " + verb, stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Run 'outbox avro --help' for the Avro verbs.", stdout, StringComparison.Ordinal);
    }

    private async Task<long> InsertDeadLetterAsync(string subject, string? key, string error, Guid? messageId = null, bool payload = true)
    {
        await using var command = _dataSource.CreateCommand($"""
            INSERT INTO "{_schema}"."dead_letters" ("message_id", "source", "subject", "partition_key", "schema_fingerprint", "payload", "handler", "attempts", "error", "created_at")
            VALUES ($1, 'outbox', $2, $3, $4, $5, 'Shop.ReceiptHandler', 3, $6, now()) RETURNING "id"
            """);
        command.Parameters.AddWithValue((object?)messageId ?? DBNull.Value);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue((object?)key ?? DBNull.Value);
        command.Parameters.AddWithValue(payload ? 42L : (object)DBNull.Value);
        command.Parameters.AddWithValue(payload ? new byte[] { 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2 } : (object)DBNull.Value);
        command.Parameters.AddWithValue(error);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<Guid>> OutboxMessageIdsAsync()
    {
        await using var command = _dataSource.CreateCommand($"SELECT \"message_id\" FROM \"{_schema}\".\"messages\" ORDER BY \"id\"");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<long> CountAsync(string table, string where = "true")
    {
        await using var command = _dataSource.CreateCommand($"SELECT count(*) FROM \"{_schema}\".\"{table}\" WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = OutboxCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
