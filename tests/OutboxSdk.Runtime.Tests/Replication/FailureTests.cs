using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;


namespace Replication.Tests;

/// <summary>A failing handler holds the stream for its retries, then its message goes to dead letters and the stream goes on.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class FailureTests(StreamingPostgresFixture fixture)
{
    [Theory]
    [InlineData(OutboxWriteMode.Table)]
    [InlineData(OutboxWriteMode.LogicalMessage)]
    public async Task A_message_that_keeps_failing_is_retried_then_dead_lettered_with_its_content_and_the_stream_continues(OutboxWriteMode mode)
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = mode);
        var (_, recorder) = await outbox.StartRelayAsync(o => o.Retry.MaxAttempts = 3);
        recorder.Failing["f/1"] = int.MaxValue;
        recorder.Failing["t/0"] = 2; // fails twice, then succeeds

        await outbox.PublishStepsAsync("f", 0, 3);
        await outbox.PublishStepsAsync("t", 0, 1);
        await outbox.PublishStepsAsync("g", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("g/0"));

        Assert.Equal(["f/0", "f/2", "t/0", "g/0"], recorder.Seen);
        Assert.Equal(3, recorder.Attempts["f/1"]);
        Assert.Equal(3, recorder.Attempts["t/0"]);
        await using var command = outbox.DataSource.CreateCommand("SELECT subject, partition_key, attempts, error, handler, payload IS NOT NULL, source FROM dead_letters");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("repl.order-step", reader.GetString(0));
        Assert.Equal("f", reader.GetString(1));
        Assert.Equal(3, reader.GetInt32(2));
        Assert.Contains("step f/1 fails (attempt 3)", reader.GetString(3), StringComparison.Ordinal);
        Assert.Contains(nameof(OrderStepHandler), reader.GetString(4), StringComparison.Ordinal);
        Assert.True(reader.GetBoolean(5)); // replayable: the content is kept even when no row exists
        Assert.Equal(mode == OutboxWriteMode.Table ? "outbox" : "logical-message", reader.GetString(6));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_table_less_message_that_cannot_be_read_is_dead_lettered_and_the_stream_continues()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = OutboxWriteMode.LogicalMessage);
        var (_, recorder) = await outbox.StartRelayAsync();

        await outbox.ExecuteAsync($"SELECT pg_logical_emit_message(true, 'outbox:{outbox.Schema}', '\\x0900'::bytea)");
        await outbox.PublishStepsAsync("after", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("after/0"));

        var error = await outbox.ScalarAsync<string>("SELECT error FROM dead_letters");
        Assert.Contains("cannot be read", error, StringComparison.Ordinal);
    }
}
