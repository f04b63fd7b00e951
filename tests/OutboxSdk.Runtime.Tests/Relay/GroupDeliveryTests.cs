namespace Relay.Tests;

/// <summary>
/// Keys that are ready together are delivered as one group (one dequeue, one commit). With one delivery slot and
/// the messages written before the relay starts, its first claim makes every key ready at once, so they form one
/// group by construction; these pin down what a failure or an exactly-once handler in such a group may touch.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupDeliveryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_failure_in_a_group_stops_only_its_key_and_the_other_keys_are_delivered_once_in_order_before_its_retry()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);

        // Interleaved keys in one transaction: a/0 b/0 c/0 a/1 b/1 c/1 a/2 b/2 c/2.
        await outbox.WriteAsync(Enumerable.Range(0, 3).SelectMany(seq => new[] { "a", "b", "c" }.Select(key => new OrderStep(key, seq))), s => s.OrderId);

        // No poll can rescue what the group leaves behind, and the retry comes seconds later: a and c must finish on
        // their own, right after b/1's rollback.
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.MaxDegreeOfParallelism, o.PollInterval, o.Retry.InitialDelay, o.Retry.MaxDelay) =
            (1, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6)));
        recorder.Failing["b/1"] = 1;

        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId != "b") == 6, 60);
        Assert.Equal(1, recorder.Attempts["b/1"]); // not retried yet
        Assert.Equal([0], recorder.Seen.Where(s => s.OrderId == "b").Select(s => s.Seq));

        await recorder.WaitUntilAsync(r => r.Seen.Count == 9, 60);
        foreach (var key in new[] { "a", "b", "c" })
        {
            Assert.Equal([0, 1, 2], recorder.Seen.Where(s => s.OrderId == key).Select(s => s.Seq));
        }

        // Those that ran before the failure in the rolled-back transaction were completed again, not run again.
        Assert.All(recorder.Attempts.Where(a => a.Key != "b/1"), a => Assert.Equal(1, a.Value));
        Assert.Equal(2, recorder.Attempts["b/1"]);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0);
    }

    [Fact]
    public async Task Exactly_once_messages_in_a_mixed_group_commit_with_their_writes_and_the_plain_keys_are_delivered_once()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        await outbox.ExecuteAsync("ALTER TABLE ledger ADD CONSTRAINT positive CHECK (amount > 0)");
        await outbox.WriteStepsAsync("p", 0, 2);
        await outbox.WriteAsync([new LedgerEntry("acct-1", 1), new LedgerEntry("acct-1", -2), new LedgerEntry("acct-1", 3)], e => e.Account);
        await outbox.WriteStepsAsync("q", 0, 2);

        var (_, recorder) = await outbox.StartRelayAsync(o => (o.MaxDegreeOfParallelism, o.Retry.MaxAttempts, o.Retry.InitialDelay) = (1, 2, TimeSpan.FromMilliseconds(50)));

        await recorder.WaitUntilAsync(r => r.Seen.Count == 6, 60);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0, 60);

        Assert.Equal([0, 1], recorder.Seen.Where(s => s.OrderId == "p").Select(s => s.Seq));
        Assert.Equal([0, 1], recorder.Seen.Where(s => s.OrderId == "q").Select(s => s.Seq));
        Assert.Equal([1, 3], recorder.Seen.Where(s => s.OrderId == "ledger:acct-1").Select(s => s.Seq));
        Assert.All(recorder.Attempts, a => Assert.Equal(1, a.Value));

        // Each exactly-once write committed once, with its inbox row; the failing one was dead-lettered.
        Assert.Equal(2L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(2L, await outbox.ScalarAsync<long>("SELECT count(*) FROM inbox"));
        Assert.Equal(1L, await outbox.ScalarAsync<long>("SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task Many_keys_delivered_in_large_groups_keep_each_key_in_order_and_deliver_each_message_once()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        for (var seq = 0; seq < 10; seq++)
        {
            var step = seq;
            await outbox.WriteAsync(Enumerable.Range(0, 20).Select(k => new OrderStep("key-" + k, step)), s => s.OrderId);
        }

        var (_, recorder) = await outbox.StartRelayAsync(o => (o.MaxDegreeOfParallelism, o.BatchSize) = (1, 100));

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 200, 60);
        Assert.Equal(200, recorder.Seen.Count);
        Assert.All(recorder.Seen.GroupBy(s => s.OrderId), key => Assert.Equal(Enumerable.Range(0, 10), key.Select(s => s.Seq)));
        Assert.All(recorder.Attempts, a => Assert.Equal(1, a.Value));
    }
}
