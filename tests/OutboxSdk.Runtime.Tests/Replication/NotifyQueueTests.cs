namespace Replication.Tests;

/// <summary>Replication mode leaves the Notify relay's queue alone: its enqueue trigger is off, and a Notify relay turns it on again.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class NotifyQueueTests(StreamingPostgresFixture fixture)
{
    private static Task<long> EnabledTriggersAsync(ReplicationOutbox outbox) => outbox.ScalarAsync<long>($"""
        SELECT count(*) FROM pg_trigger t JOIN pg_partition_tree('"{outbox.Schema}".messages'::regclass) p ON p.relid = t.tgrelid
        WHERE t.tgname = 'relay_enqueue' AND t.tgenabled <> 'D'
        """);

    [Fact]
    public async Task Replication_mode_fills_no_pending_queue_and_a_notify_relay_turns_the_queue_on_again()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync();
        Assert.True(await outbox.ScalarAsync<long>($"SELECT count(*) FROM pg_trigger t JOIN pg_partition_tree('\"{outbox.Schema}\".messages'::regclass) p ON p.relid = t.tgrelid WHERE t.tgname = 'relay_enqueue'") > 0,
            "migration 2's trigger exists");
        Assert.Equal(0, await EnabledTriggersAsync(outbox));

        await outbox.PublishStepsAsync("replicated", 0, 3);
        await recorder.WaitUntilAsync(r => r.Seen.Count == 3);
        Assert.Equal(0, await outbox.ScalarAsync<long>("SELECT count(*) FROM pending"));
        await outbox.StopAsync(host);

        // Back to Notify: the relay's start enables the trigger, and messages written from then on are queued and delivered.
        var (_, notified) = await outbox.StartRelayAsync(o => o.RelayMode = OutboxSdk.RelayMode.Notify);
        await notified.WaitUntilAsync(async () => await EnabledTriggersAsync(outbox) > 0);
        await outbox.PublishStepsAsync("notified", 0, 2);
        await notified.WaitUntilAsync(r => r.Seen.Count == 2);
        Assert.Equal(["notified/0", "notified/1"], notified.Seen);
    }
}
