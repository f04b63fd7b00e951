namespace Relay.Tests;

/// <summary>What reaches handlers: every committed message once, never a rolled-back one, in order per key.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Committed_messages_are_delivered_once_and_rolled_back_ones_never()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();

        await outbox.WriteStepsAsync("committed", 0, 3);
        await outbox.WriteStepsAsync("rolled-back", 0, 3, rollback: true);
        await outbox.WriteStepsAsync("committed-later", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 4);

        // The rolled-back write came before the last commit, so had it been delivered it would be here by now.
        Assert.Equal(["committed-later/0", "committed/0", "committed/1", "committed/2"],
            recorder.Seen.Select(s => $"{s.OrderId}/{s.Seq}").Order(StringComparer.Ordinal));
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0);
    }

    [Fact]
    public async Task Each_key_sees_its_messages_in_commit_order_while_keys_run_in_parallel()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.MaxDegreeOfParallelism, o.BatchSize) = (8, 100));

        // 20 keys × 50 messages, written interleaved in 50 transactions so each batch mixes keys.
        for (var seq = 0; seq < 50; seq++)
        {
            var step = seq;
            await outbox.WriteAsync(Enumerable.Range(0, 20).Select(k => new OrderStep("key-" + k, step)), s => s.OrderId);
        }

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 1000, 40);
        Assert.Equal(1000, recorder.Seen.Count);
        foreach (var key in recorder.Seen.GroupBy(s => s.OrderId))
        {
            Assert.Equal(Enumerable.Range(0, 50), key.Select(s => s.Seq));
        }
    }

    [Fact]
    public async Task A_thousand_messages_from_four_concurrent_writers_are_all_delivered_once()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var tx = 0; tx < 50; tx++)
            {
                await outbox.WriteStepsAsync($"w{writer}-k{tx % 7}", tx * 5, 5);
            }
        })));

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 1000, 40);
        var delivered = recorder.Seen.Select(s => $"{s.OrderId}/{s.Seq}").ToList();
        Assert.Equal(1000, delivered.Count);
        Assert.Equal(1000, delivered.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Messages_written_before_the_relay_first_started_are_delivered()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        await outbox.WriteStepsAsync("early", 0, 3);

        var (_, recorder) = await outbox.StartRelayAsync();

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 3);
        Assert.Equal([0, 1, 2], recorder.Seen.Select(s => s.Seq));
    }
}
