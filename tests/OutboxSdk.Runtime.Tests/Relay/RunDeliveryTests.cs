namespace Relay.Tests;

/// <summary>
/// The relay delivers a key's queued messages as a run, in as few transactions as it may: these pin down what a
/// failure in the middle of a run must and must not undo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RunDeliveryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_failure_in_a_run_of_exactly_once_handlers_keeps_the_earlier_writes_and_loses_no_later_message()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        await outbox.ExecuteAsync("ALTER TABLE ledger ADD CONSTRAINT positive CHECK (amount > 0)");
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.Retry.MaxAttempts, o.Retry.InitialDelay) = (2, TimeSpan.FromMilliseconds(50)));

        // One transaction, one key: the relay claims them together, so they form one run.
        await outbox.WriteAsync([new LedgerEntry("acct-9", 1), new LedgerEntry("acct-9", 2), new LedgerEntry("acct-9", -3), new LedgerEntry("acct-9", 4)], e => e.Account);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 3);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0);

        // 1 and 2 committed before -3 failed (a rollback would have run them again), 4 was put back and delivered.
        Assert.Equal([1, 2, 4], recorder.Seen.Select(s => s.Seq));
        Assert.Equal(3L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(3L, await outbox.ScalarAsync<long>("SELECT count(*) FROM inbox"));
        Assert.Equal(1L, await outbox.ScalarAsync<long>("SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task A_failure_in_a_run_of_plain_handlers_redelivers_only_the_failed_message_and_what_follows()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => o.Retry.InitialDelay = TimeSpan.FromMilliseconds(50));
        recorder.Failing["run/2"] = 1;

        await outbox.WriteStepsAsync("run", 0, 5);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 5);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0);

        Assert.Equal([0, 1, 2, 3, 4], recorder.Seen.Select(s => s.Seq));
        Assert.Equal([1, 1, 2, 1, 1], Enumerable.Range(0, 5).Select(i => recorder.Attempts[$"run/{i}"]));
    }
}
