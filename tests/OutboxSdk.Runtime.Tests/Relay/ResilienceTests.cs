using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Relay.Tests;

/// <summary>Lost notifications, restarts, two relays, and redelivery with the inbox.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResilienceTests(PostgresFixture fixture)
{
    [Fact]
    public async Task After_its_listen_connection_is_killed_the_relay_reconnects_and_delivers_what_it_missed()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => o.PollInterval = TimeSpan.FromMilliseconds(300));
        await outbox.WriteStepsAsync("before", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 1);

        var pid = await outbox.LeaderPidAsync();
        Assert.NotNull(pid);
        await outbox.ExecuteAsync($"SELECT pg_terminate_backend({pid})");
        await outbox.WriteStepsAsync("after-kill", 0, 2); // its notification reaches nobody

        await recorder.WaitUntilAsync(r => r.Seen.Count == 3);
        Assert.Equal(["before", "after-kill", "after-kill"], recorder.Seen.Select(s => s.OrderId));
        Assert.NotEqual(pid, await outbox.LeaderPidAsync());
    }

    [Fact]
    public async Task Without_notifications_the_fallback_poll_delivers()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.NotifyChannel, o.PollInterval) = ("nobody_notifies_this", TimeSpan.FromMilliseconds(200)));

        await outbox.WriteStepsAsync("setup-done", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 1);

        // The relay's trigger notifies its channel; without that, and with the writer notifying the default
        // channel nobody listens to, only the poll finds the messages.
        await outbox.ExecuteAsync("CREATE OR REPLACE FUNCTION relay_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO pending (id, created_at, partition_key) VALUES (NEW.id, NEW.created_at, NEW.partition_key); RETURN NULL; END $$");
        await outbox.WriteStepsAsync("polled", 0, 2);

        await recorder.WaitUntilAsync(r => r.Seen.Count == 3);
    }

    [Fact]
    public async Task A_relay_on_its_own_channel_makes_the_trigger_notify_it_and_is_woken_without_a_poll()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.NotifyChannel, o.PollInterval) = ("orders_relay", TimeSpan.FromMinutes(5)));
        await outbox.WriteStepsAsync("warm", 0, 1); // delivered by the start's claim or by a notification
        await recorder.WaitUntilAsync(r => r.Seen.Count == 1);

        // Migration 2's trigger notifies the default channel; the relay installed one that notifies its own. The
        // writer's notification goes to the default channel, so only the trigger's can wake the relay in time.
        Assert.Contains("pg_notify('orders_relay'", await outbox.ScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure('relay_enqueue()')"), StringComparison.Ordinal);
        await outbox.WriteStepsAsync("notified", 0, 2);

        await recorder.WaitUntilAsync(r => r.Seen.Count == 3);
    }

    [Fact]
    public async Task A_restarted_relay_loses_nothing()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (first, firstRecorder) = await outbox.StartRelayAsync();
        await outbox.WriteStepsAsync("a", 0, 5);
        await firstRecorder.WaitUntilAsync(r => r.Seen.Count == 5);
        await first.StopAsync();

        await outbox.WriteStepsAsync("a", 5, 5); // written while no relay runs
        var (_, secondRecorder) = await outbox.StartRelayAsync();
        await outbox.WriteStepsAsync("a", 10, 5);

        await secondRecorder.WaitUntilAsync(r => r.Seen.Count == 10);
        Assert.Equal(Enumerable.Range(5, 10), secondRecorder.Seen.Select(s => s.Seq));
        Assert.Equal(5, firstRecorder.Seen.Count);
    }

    [Fact]
    public async Task Of_two_relays_only_one_delivers_and_the_other_takes_over_when_it_stops()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (first, firstRecorder) = await outbox.StartRelayAsync(o => o.PollInterval = TimeSpan.FromMilliseconds(300));
        await outbox.WriteStepsAsync("one", 0, 1);
        await firstRecorder.WaitUntilAsync(r => r.Seen.Count == 1); // the first is the leader

        var (_, secondRecorder) = await outbox.StartRelayAsync(o => o.PollInterval = TimeSpan.FromMilliseconds(300));
        await outbox.WriteStepsAsync("two", 0, 20);
        await firstRecorder.WaitUntilAsync(r => r.Seen.Count == 21);
        Assert.Empty(secondRecorder.Seen);

        await first.StopAsync();
        await outbox.WriteStepsAsync("three", 0, 3);
        await secondRecorder.WaitUntilAsync(r => r.Seen.Count == 3, 10);
        Assert.Equal(21, firstRecorder.Seen.Count);
    }

    [Fact]
    public async Task A_handler_that_writes_through_the_context_has_its_effect_once_even_when_the_message_comes_again()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();

        // The same message (one message id) written twice, as a redelivery would present it.
        var messageId = Guid.NewGuid();
        await outbox.WriteAsync([new LedgerEntry("acct-1", 10)], e => e.Account, messageId: messageId);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 1);
        await outbox.WriteAsync([new LedgerEntry("acct-1", 10)], e => e.Account, messageId: messageId);
        await outbox.WriteStepsAsync("acct-1-marker", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 2);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0);

        Assert.Equal(1L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(1L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM inbox WHERE message_id = '{messageId}' AND handler = '{typeof(LedgerHandler).FullName}'"));
        Assert.Equal(["ledger:acct-1", "acct-1-marker"], recorder.Seen.Select(s => s.OrderId));
    }

    [Fact]
    public async Task A_failing_handler_leaves_no_write_made_through_the_context()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        // The ledger table rejects negative amounts after the insert: the handler's write fails, nothing commits.
        await outbox.ExecuteAsync("ALTER TABLE ledger ADD CONSTRAINT positive CHECK (amount > 0)");
        var (_, recorder) = await outbox.StartRelayAsync(o => o.Retry.MaxAttempts = 2);

        await outbox.WriteAsync([new LedgerEntry("acct-2", -5), new LedgerEntry("acct-3", 7)], e => e.Account);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM dead_letters") == 1);

        Assert.Equal(["acct-3"], await Accounts(outbox));
        Assert.Equal(0L, await outbox.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE handler IS NOT NULL AND message_id IN (SELECT message_id FROM dead_letters)"));
    }

    private static async Task<List<string>> Accounts(TestOutbox outbox)
    {
        await using var command = outbox.DataSource.CreateCommand("SELECT account FROM ledger ORDER BY account");
        await using var reader = await command.ExecuteReaderAsync();
        var accounts = new List<string>();
        while (await reader.ReadAsync())
        {
            accounts.Add(reader.GetString(0));
        }

        return accounts;
    }
}
