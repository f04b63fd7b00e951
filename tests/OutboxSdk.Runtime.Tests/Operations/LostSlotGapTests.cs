using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Operations.Tests;

/// <summary>
/// The outbox messages written while a slot was being lost (table write mode): SnapshotMode.WhenNeeded delivers them
/// from the <c>messages</c> table in the new slot's snapshot, so none is lost, none rolled back appears, each key keeps
/// its order, and an inbox-protected effect happens once.
/// </summary>
[Collection(SmallWalCollection.Name)]
public sealed class LostSlotGapTests(SmallWalFixture fixture)
{
    private static void WhenNeeded(OutboxOptions o) => o.Replication.SnapshotMode = SnapshotMode.WhenNeeded;

    [Fact]
    public Task With_WhenNeeded_the_outbox_messages_of_the_gap_are_delivered_from_the_table() => GapScenarioAsync(fixture.Postgres, commitTimestamps: false);

    /// <summary>
    /// The gap's messages delivered, none lost, none rolled back, per-key order, the context effect once. With commit
    /// timestamps tracked, messages whose transaction committed before the last processed one are not delivered again.
    /// </summary>
    internal static async Task GapScenarioAsync(OutboxSdk.Testing.LocalPostgres postgres, bool commitTimestamps)
    {
        await using var outbox = await OpsOutbox.CreateAsync(postgres);
        await outbox.ExecuteAsync("CREATE TABLE deposits (account text, amount int, message_id uuid)");

        // Delivered before the loss.
        var (first, firstSeen) = await outbox.StartAsync(configure: WhenNeeded);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(first).Streaming), "the relay streams");
        await PublishAsync(outbox, first, commit: true, new Ping("a", 0), new Ping("a", 1), new Ping("b", 0), new Deposit("acct", 1));
        await PublishAsync(outbox, first, commit: true, new Ping("a", 2), new Ping("b", 1));
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(firstSeen.Seen.Count == 6), "the first messages are delivered");
        await outbox.StopAsync(first);

        // Written while the relay is away (one transaction rolled back), then the slot is invalidated.
        var (publisher, _) = await outbox.StartAsync(runRelay: false, WhenNeeded);
        await PublishAsync(outbox, publisher, commit: true, new Ping("a", 3), new Ping("b", 2));
        await PublishAsync(outbox, publisher, commit: false, new Ping("x", 0), new Deposit("acct", 99));
        await PublishAsync(outbox, publisher, commit: true, new Deposit("acct", 2), new Ping("a", 4));
        await PublishAsync(outbox, publisher, commit: true, new Ping("b", 3), new Ping("a", 5));
        await outbox.StopAsync(publisher);
        await outbox.InvalidateSlotAsync();

        // A publisher that starts now leaves the lost slot to the relay (a publisher-only process touches no slot;
        // recreating it would skip the gap), and what it publishes before the relay recovers is part of the gap too.
        var (late, _) = await outbox.StartAsync(runRelay: false, WhenNeeded);
        Assert.Equal("lost", await outbox.WalStatusAsync());
        Assert.True(outbox.Logs.Has(5203));
        await PublishAsync(outbox, late, commit: true, new Ping("b", 4));

        using var recreations = new RecreationListener(outbox.Slot);
        var (second, secondSeen) = await outbox.StartAsync(configure: WhenNeeded);
        Assert.Equal(["replayed"], recreations.Gaps);
        var log = outbox.Logs.Text(5103);
        Assert.Contains(outbox.Slot, log, StringComparison.Ordinal);
        Assert.Contains("delivering the outbox messages of the gap from the messages table", log, StringComparison.Ordinal);
        await PublishAsync(outbox, second, commit: true, new Ping("after", 0));
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(secondSeen.Seen.Contains("after/0")), "a message after the recovery is delivered");

        // None lost: every committed message reached its handler, those of the gap after the recovery.
        List<string> gap = ["a/3", "b/2", "deposit:acct/2", "a/4", "b/3", "a/5", "b/4"];
        var all = firstSeen.Seen.Concat(secondSeen.Seen).ToList();
        Assert.All(["a/0", "a/1", "a/2", "b/0", "b/1", "deposit:acct/1", .. gap, "after/0"], m => Assert.Contains(m, all));
        Assert.All(gap, m => Assert.Single(secondSeen.Seen, m));
        Assert.Single(secondSeen.Seen, "after/0"); // the stream after the snapshot does not repeat what it delivered

        // Rolled back: never.
        Assert.DoesNotContain("x/0", all);
        Assert.DoesNotContain("deposit:acct/99", all);

        // Per key, in order (messages from before the gap may come again, at the front, in order too).
        foreach (var key in new[] { "a", "b" })
        {
            var seqs = secondSeen.Seen.Where(s => s.StartsWith(key + "/", StringComparison.Ordinal)).Select(s => int.Parse(s[(key.Length + 1)..])).ToList();
            Assert.Equal(seqs.Order(), seqs);
            Assert.Equal(seqs.Distinct(), seqs);
        }

        // The effect written through IOutboxContext happened exactly once per message (the inbox).
        Assert.Equal([(1, 1L), (2, 1L)], await DepositsAsync(outbox));
        if (commitTimestamps)
        {
            // Committed before the last processed transaction (a/2, b/1): not in the gap, not delivered again.
            Assert.DoesNotContain("a/0", secondSeen.Seen);
            Assert.DoesNotContain("b/0", secondSeen.Seen);
        }
    }

    [Fact]
    public async Task A_gap_delivery_interrupted_at_startup_is_done_again_in_full_at_the_next_start()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (first, firstSeen) = await outbox.StartAsync(configure: WhenNeeded);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(first).Streaming), "the relay streams");
        await PublishAsync(outbox, first, commit: true, new Ping("a", 0));
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(firstSeen.Seen.Contains("a/0")), "the first message is delivered");
        await outbox.StopAsync(first);
        var (publisher, _) = await outbox.StartAsync(runRelay: false, WhenNeeded);
        await PublishAsync(outbox, publisher, commit: true, new Ping("a", 1));
        await PublishAsync(outbox, publisher, commit: true, new Ping("block", 0));
        await PublishAsync(outbox, publisher, commit: true, new Ping("a", 2));
        await outbox.StopAsync(publisher);
        await outbox.InvalidateSlotAsync();

        // The recovering relay's start is cancelled while a handler of the gap waits: the new slot's snapshot is
        // left incomplete, after a/1 and before a/2.
        var interrupted = outbox.Build(runRelay: true, WhenNeeded, out var interruptedSeen);
        using (var cancel = new CancellationTokenSource())
        {
            var starting = interrupted.StartAsync(cancel.Token);
            await OpsOutbox.WaitUntilAsync(() => Task.FromResult(interruptedSeen.Seen.Contains("a/1")), "the gap's delivery has begun");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => starting);
        }

        interrupted.Dispose();
        Assert.DoesNotContain("a/2", interruptedSeen.Seen);
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is null, "the interrupted start lets go of its slot");

        // The next start drops the half-made slot and delivers the same gap again, in full.
        var next = outbox.Build(runRelay: true, WhenNeeded, out var nextSeen);
        nextSeen.Gate.TrySetResult();
        try
        {
            await next.StartAsync();
            Assert.Contains("did not complete", outbox.Logs.Entries.Where(e => e.Id == 5014).Select(e => e.Text).LastOrDefault() ?? "", StringComparison.Ordinal);
            await PublishAsync(outbox, next, commit: true, new Ping("after", 0));
            await OpsOutbox.WaitUntilAsync(() => Task.FromResult(nextSeen.Seen.Contains("after/0")), "a message after the recovery is delivered");
            Assert.All(["a/1", "block/0", "a/2"], m => Assert.Single(nextSeen.Seen, m));
            Assert.Single(nextSeen.Seen, "after/0");
        }
        finally
        {
            await next.StopAsync();
            next.Dispose();
        }
    }

    [Fact]
    public async Task In_the_LogicalMessage_write_mode_the_recovery_says_the_messages_of_the_gap_are_lost()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        static void Configure(OutboxOptions o)
        {
            WhenNeeded(o);
            o.Replication.WriteMode = OutboxWriteMode.LogicalMessage;
        }

        var (first, firstSeen) = await outbox.StartAsync(configure: Configure);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(first).Streaming), "the relay streams");
        await PublishAsync(outbox, first, commit: true, new Ping("a", 0));
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(firstSeen.Seen.Contains("a/0")), "the first message is delivered");
        await outbox.StopAsync(first);
        var (publisher, _) = await outbox.StartAsync(runRelay: false, Configure);
        await PublishAsync(outbox, publisher, commit: true, new Ping("a", 1));
        await outbox.StopAsync(publisher);
        await outbox.InvalidateSlotAsync();

        using var recreations = new RecreationListener(outbox.Slot);
        var (second, secondSeen) = await outbox.StartAsync(configure: Configure);
        var log = outbox.Logs.Text(5103);
        Assert.Contains("There is a gap", log, StringComparison.Ordinal);
        Assert.Contains("Outbox messages of the gap: LOST", log, StringComparison.Ordinal);
        Assert.Contains("LogicalMessage write mode", log, StringComparison.Ordinal);
        Assert.Equal(["lost"], recreations.Gaps);

        // What the report says: the message of the gap never comes; the stream goes on after it.
        await PublishAsync(outbox, second, commit: true, new Ping("a", 2));
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(secondSeen.Seen.Contains("a/2")), "a message after the recovery is delivered");
        Assert.DoesNotContain("a/1", secondSeen.Seen);
    }

    private static async Task PublishAsync(OpsOutbox ops, Microsoft.Extensions.Hosting.IHost host, bool commit, params object[] messages)
    {
        var outbox = host.Services.GetRequiredService<IOutbox>();
        await using var connection = await ops.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in messages)
        {
            switch (message)
            {
                case Ping ping:
                    await outbox.PublishAsync(ping, transaction);
                    break;
                case Deposit deposit:
                    await outbox.PublishAsync(deposit, transaction);
                    break;
            }
        }

        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    private static async Task<List<(int Amount, long Count)>> DepositsAsync(OpsOutbox outbox)
    {
        await using var command = outbox.DataSource.CreateCommand("SELECT amount, count(*) FROM deposits GROUP BY amount ORDER BY amount");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return rows;
    }
}

/// <summary>Collects the <c>outbox.replication.gap</c> tag of the slot-recreated counter for one slot.</summary>
internal sealed class RecreationListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _gaps = new();

    public RecreationListener(string slot)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == SlotInstrumentation.RecreatedCounter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? ofSlot = null, gap = null;
            foreach (var tag in tags)
            {
                if (tag.Key == SlotInstrumentation.SlotTag)
                {
                    ofSlot = tag.Value as string;
                }
                else if (tag.Key == SlotInstrumentation.GapTag)
                {
                    gap = tag.Value as string;
                }
            }

            if (ofSlot == slot && gap is not null)
            {
                _gaps.Enqueue(gap);
            }
        });
        _listener.Start();
    }

    public List<string> Gaps => [.. _gaps];

    public void Dispose() => _listener.Dispose();
}

/// <summary>The gap scenario on a cluster that tracks commit timestamps: the gap is narrowed by them.</summary>
[Collection(SmallWalTrackedCollection.Name)]
public sealed class LostSlotGapTrackedTests(SmallWalTrackedFixture fixture)
{
    [Fact]
    public Task With_commit_timestamps_tracked_the_gap_is_the_messages_committed_after_the_last_processed_one() =>
        LostSlotGapTests.GapScenarioAsync(fixture.Postgres, commitTimestamps: true);
}
