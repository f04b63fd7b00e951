using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Operations.Tests;

/// <summary>The <c>outbox</c> health check in Replication mode: retained WAL, a stopped relay, a missing slot.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SlotHealthTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Retained_WAL_past_the_threshold_is_Degraded_with_one_warning()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(relay).Streaming), "the relay streams");
        await outbox.StopAsync(relay);

        var (publisher, _) = await outbox.StartAsync(runRelay: false, o => o.Replication.RetainedWalWarningBytes = 2_000_000);
        await outbox.WriteWalAsync(4);
        var degraded = await OpsOutbox.HealthAsync(publisher);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains($"'{outbox.Slot}' retains", degraded.Description, StringComparison.Ordinal);
        Assert.True((long)degraded.Data["retainedWalBytes"] > 2_000_000);

        // Crossing the threshold is logged once, not at every check.
        await OpsOutbox.HealthAsync(publisher);
        var warnings = outbox.Logs.Entries.Where(e => e.Id == 5100).ToList();
        Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warnings[0].Level);
        Assert.Contains(outbox.Slot, warnings[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Below_the_threshold_the_slot_does_not_degrade_health()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(relay).Streaming), "the relay streams");
        await outbox.WriteWalAsync(4);

        var health = await OpsOutbox.HealthAsync(relay);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("reserved", health.Data["walStatus"]);
        Assert.False(outbox.Logs.Has(5100));
    }

    [Fact]
    public async Task A_slot_dropped_under_a_running_relay_stops_it_and_is_Unhealthy()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        var state = OpsOutbox.StateOf(relay);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(state.Streaming), "the relay streams");

        // Terminate the walsender and drop the slot before the relay reconnects (it backs off 100 ms at first).
        await OpsOutbox.WaitUntilAsync(async () =>
        {
            await outbox.ExecuteAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{outbox.Slot}' AND active_pid IS NOT NULL");
            try
            {
                await outbox.ExecuteAsync($"SELECT pg_drop_replication_slot('{outbox.Slot}')");
                return true;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "55006")
            {
                return false;
            }
        }, "the slot is dropped");

        // SnapshotMode Initial never recreates a slot past a gap: the relay stops and says why.
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(state.StoppedReason is not null), "the relay stops");
        Assert.False(await outbox.SlotExistsAsync(outbox.Slot));
        var health = await OpsOutbox.HealthAsync(relay);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains(outbox.Slot, health.Description, StringComparison.Ordinal);
        Assert.Contains("dropped", health.Description, StringComparison.Ordinal);
        Assert.Contains("max_slot_wal_keep_size", outbox.Logs.Text(5102), StringComparison.Ordinal);
    }
}
