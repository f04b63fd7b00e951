using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Operations.Tests;

/// <summary>
/// A slot Postgres invalidated (max_slot_wal_keep_size = 1MB here, and megabytes of WAL written while the consumer was
/// away): reported clearly, and recovered per the snapshot mode, never silently recreated past the gap.
/// </summary>
[Collection(SmallWalCollection.Name)]
public sealed class LostSlotTests(SmallWalFixture fixture)
{
    [Theory]
    [InlineData(SnapshotMode.Initial)]
    [InlineData(SnapshotMode.Never)]
    public async Task Without_WhenNeeded_a_lost_slot_stops_the_relay_and_health_is_Unhealthy(SnapshotMode mode)
    {
        await using var outbox = await LoseSlotAsync(mode);

        // The relay refuses to start past the gap, and says what happened and what to do.
        var relay = outbox.Build(runRelay: true, o => o.Replication.SnapshotMode = mode, out _);
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => relay.StartAsync());
        relay.Dispose();
        Assert.Contains(outbox.Slot, error.Message, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size", error.Message, StringComparison.Ordinal);
        var log = outbox.Logs.Text(5102);
        Assert.Contains(outbox.Slot, log, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size is 1MB", log, StringComparison.Ordinal);
        Assert.Equal("lost", await outbox.WalStatusAsync());

        // A process that only publishes keeps running and reports the lost slot as Unhealthy.
        var (publisher, _) = await outbox.StartAsync(runRelay: false, o => o.Replication.SnapshotMode = mode);
        var health = await OpsOutbox.HealthAsync(publisher);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"'{outbox.Slot}' was invalidated", health.Description, StringComparison.Ordinal);
        Assert.Equal("lost", health.Data["walStatus"]);
        Assert.Equal("lost", OpsOutbox.MonitorOf(publisher).Latest!.Slot.WalStatus);
    }

    [Fact]
    public async Task A_slot_invalidated_under_a_running_relay_that_fell_behind_stops_it_and_is_Unhealthy()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, recorder) = await outbox.StartAsync(configure: o => o.Retry.HandlerTimeout = TimeSpan.FromMinutes(10));
        var state = OpsOutbox.StateOf(relay);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(state.Streaming), "the relay streams");

        // A handler that does not return holds the slot's confirmed position while megabytes of WAL are written:
        // Postgres terminates the walsender and invalidates the slot although it is active.
        await outbox.PublishAsync(relay, "block", 1);
        await outbox.InvalidateSlotAsync();
        recorder.Gate.TrySetResult();

        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(state.StoppedReason is not null), "the relay stops");
        Assert.Contains("invalidated", state.StoppedReason, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size is 1MB", outbox.Logs.Text(5102), StringComparison.Ordinal);
        var health = await OpsOutbox.HealthAsync(relay);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains(outbox.Slot, health.Description, StringComparison.Ordinal);
        Assert.Equal("lost", await outbox.WalStatusAsync());
    }

    [Fact]
    public async Task With_WhenNeeded_a_lost_slot_is_replaced_the_gap_is_logged_and_delivery_goes_on()
    {
        await using var outbox = await LoseSlotAsync(SnapshotMode.WhenNeeded);

        var (relay, recorder) = await outbox.StartAsync(configure: o => o.Replication.SnapshotMode = SnapshotMode.WhenNeeded);
        var log = outbox.Logs.Text(5103);
        Assert.Contains(outbox.Slot, log, StringComparison.Ordinal);
        Assert.Contains("There is a gap", log, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size is 1MB", log, StringComparison.Ordinal);
        Assert.Equal("reserved", await outbox.WalStatusAsync());

        await outbox.PublishAsync(relay, "after", 3);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(recorder.Seen.Count == 3), "the messages after the recovery are delivered");
        Assert.Equal(["after/0", "after/1", "after/2"], recorder.Seen);
        Assert.Equal(HealthStatus.Healthy, (await OpsOutbox.HealthAsync(relay)).Status);
    }

    [Fact]
    public async Task With_WhenNeeded_and_change_feed_tables_a_new_snapshot_covers_the_gap()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        await outbox.ExecuteAsync("CREATE TABLE accounts (id int PRIMARY KEY); INSERT INTO accounts VALUES (1), (2)");
        var sink = new AccountsSink(outbox.Schema);
        void Configure(OutboxOptions o) => o.Replication.SnapshotMode = SnapshotMode.WhenNeeded;
        void Services(IServiceCollection s) => s.AddSingleton<IChangeSink>(sink);

        var (first, firstSeen) = await outbox.StartAsync(configure: Configure, services: Services);
        await outbox.ExecuteAsync("INSERT INTO accounts VALUES (3)");
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(firstSeen.Seen.Count == 3), "the snapshot and the insert are delivered");
        Assert.Equal(["read:1", "read:2", "insert:3"], firstSeen.Seen);
        await outbox.StopAsync(first);

        // Row 4 is written while the consumer is away, then the slot is invalidated: its insert is gone from the stream.
        await outbox.ExecuteAsync("INSERT INTO accounts VALUES (4)");
        await outbox.InvalidateSlotAsync();

        var (second, secondSeen) = await outbox.StartAsync(configure: Configure, services: Services);
        Assert.Contains("delivering a new snapshot of the change-feed tables to cover the gap", outbox.Logs.Text(5103), StringComparison.Ordinal);
        await outbox.ExecuteAsync("INSERT INTO accounts VALUES (5)");
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(secondSeen.Seen.Count == 5), "the new snapshot and the next insert are delivered");
        Assert.Equal(["read:1", "read:2", "read:3", "read:4", "insert:5"], secondSeen.Seen);
        Assert.Equal("reserved", await outbox.WalStatusAsync());
    }

    // Creates the slot with a relay, stops it, and writes WAL until Postgres invalidates the slot.
    private async Task<OpsOutbox> LoseSlotAsync(SnapshotMode mode)
    {
        var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync(configure: o => o.Replication.SnapshotMode = mode);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(relay).Streaming), "the relay streams");
        await outbox.StopAsync(relay);
        await outbox.InvalidateSlotAsync();
        return outbox;
    }
}
