using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;


namespace Replication.Tests;

/// <summary>What reaches handlers in Replication mode: every committed message once, in commit order, never a rolled-back one.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class DeliveryTests(StreamingPostgresFixture fixture)
{
    [Theory]
    [InlineData(OutboxWriteMode.Table)]
    [InlineData(OutboxWriteMode.LogicalMessage)]
    public async Task Committed_messages_are_delivered_once_in_commit_order_and_rolled_back_ones_never(OutboxWriteMode mode)
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = mode);
        var (host, recorder) = await outbox.StartRelayAsync();

        await outbox.PublishStepsAsync("a", 0, 3);
        await outbox.PublishStepsAsync("rolled-back", 0, 3, rollback: true);
        await outbox.PublishStepsAsync("b", 0, 2);
        await outbox.PublishStepsAsync("a", 3, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 6);

        // Across keys too: the stream is in commit order, and the rolled-back write came before two later commits.
        Assert.Equal(["a/0", "a/1", "a/2", "b/0", "b/1", "a/3"], recorder.Seen);
        Assert.Equal(mode == OutboxWriteMode.Table ? 6L : 0L, await outbox.ScalarAsync<long>("SELECT count(*) FROM messages"));

        // The slot is acknowledged past the last commit once its position is durable.
        var written = await outbox.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await recorder.WaitUntilAsync(async () => outbox.StateOf(host).LastAckedLsn >= written || await outbox.ConfirmedFlushAsync() >= (ulong)written);
        Assert.True(outbox.StateOf(host).LastProcessed.CommitLsn > 0);
    }

    [Theory]
    [InlineData(OutboxWriteMode.Table)]
    [InlineData(OutboxWriteMode.LogicalMessage)]
    public async Task A_thousand_messages_from_four_concurrent_writers_are_delivered_once_each_in_order_per_key(OutboxWriteMode mode)
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = mode);
        var (_, recorder) = await outbox.StartRelayAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var tx = 0; tx < 50; tx++)
            {
                await outbox.PublishStepsAsync($"w{writer}-k{tx % 7}", tx * 5, 5);
            }
        })));

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 1000, 120);
        var seen = recorder.Seen.ToList();
        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Distinct(StringComparer.Ordinal).Count());
        foreach (var key in seen.Select(s => s.Split('/')).GroupBy(p => p[0]))
        {
            var order = key.Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    [Fact]
    public async Task Messages_published_in_one_batch_arrive_in_the_batch_order()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.WriteMode = OutboxWriteMode.LogicalMessage);
        var (_, recorder) = await outbox.StartRelayAsync();

        await using (var connection = await outbox.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await outbox.Outbox.PublishBatchAsync(Enumerable.Range(0, 20).Select(i => new OrderStep("batch", i)).ToList(), transaction);
            await transaction.CommitAsync();
        }

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"batch/{i}"), recorder.Seen);
    }

    [Fact]
    public async Task A_publisher_only_process_started_first_creates_the_slot_so_its_messages_are_delivered_later()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        await outbox.StartRelayAsync(o => o.RunRelay = false);
        await outbox.PublishStepsAsync("early", 0, 2);

        var (_, recorder) = await outbox.StartRelayAsync();

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 2);
        Assert.Equal(["early/0", "early/1"], recorder.Seen);
    }
}
