using OutboxSdk.Cli;

namespace Operations.Tests;

/// <summary><c>outbox status</c> and <c>outbox slots list|drop</c> against a real slot.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliTests(PostgresFixture fixture)
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = OutboxCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Status_and_list_show_the_slot_with_its_lag_retained_WAL_and_wal_status()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is not null, "the relay streams");
        var pid = await outbox.ActivePidAsync();

        var status = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema);
        Assert.Equal(0, status.Exit);
        Assert.Contains("replication slots (1):", status.Out, StringComparison.Ordinal);
        var line = status.Out.Split('\n').Single(l => l.StartsWith("  " + outbox.Slot, StringComparison.Ordinal));
        Assert.Contains($"pgoutput  active pid {pid}  confirmed ", line, StringComparison.Ordinal);
        Assert.Contains(" lag ", line, StringComparison.Ordinal);
        Assert.Contains(" retained ", line, StringComparison.Ordinal);
        Assert.Contains("wal_status reserved  safe_wal_size unlimited", line, StringComparison.Ordinal);

        var list = Run("slots", "list", "--connection", fixture.Postgres.ConnectionString);
        Assert.Equal(0, list.Exit);
        Assert.Contains(outbox.Slot + "  pgoutput  active pid", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_in_Replication_mode_shows_the_slot_lag_and_the_unhandled_messages_not_the_Notify_queue()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is not null, "the relay streams");
        await outbox.StopAsync(relay);
        var (publisher, _) = await outbox.StartAsync(runRelay: false);
        await outbox.PublishAsync(publisher, "k", 3); // the relay is down: owed by the slot
        await Task.Delay(1100);

        var status = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema);

        Assert.Equal("", status.Err);
        var lines = status.Out.Split('\n');
        Assert.Equal($"mode: Replication (slot {outbox.Slot})", lines[1]);
        Assert.Matches(@"^backlog: slot lag [1-9][0-9]* B.*; 3 outbox message\(s\) after the last processed commit \(.+\), oldest [1-9][0-9.]* s$", lines[2]);
        Assert.DoesNotContain(lines, l => l.Contains("undelivered", StringComparison.Ordinal)); // no Notify queue line

        var model = await OutboxSdk.Observability.OutboxStatus.ReadAsync(outbox.DataSource, outbox.Schema);
        Assert.Equal(OutboxSdk.RelayMode.Replication, model.Mode);
        Assert.Equal(3, model.Backlog);
        Assert.True(model.Replication!.LagBytes > 0);
        Assert.True(model.BacklogAge >= TimeSpan.FromSeconds(1));

        // Asked for Notify mode, it reads the queue, which nothing fills in this mode.
        var notify = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema, "--mode", "notify");
        Assert.Contains("backlog: 0 undelivered", notify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reports_a_slot_of_the_outbox_that_no_longer_exists_as_missing()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is not null, "the relay streams");
        await outbox.StopAsync(relay);
        await outbox.DropSlotAsync(outbox.Slot);

        var status = Run("status", "--connection", fixture.Postgres.ConnectionString, "--schema", outbox.Schema);
        Assert.Equal(0, status.Exit);
        Assert.Contains($"  {outbox.Slot}  -  inactive  confirmed -  lag -  retained -  wal_status missing", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_refuses_an_active_slot_and_drops_an_inactive_one_by_its_exact_name_only()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        await using var other = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        var (otherRelay, _) = await other.StartAsync();
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is not null && await other.ActivePidAsync() is not null, "both relays stream");

        var refused = Run("slots", "drop", outbox.Slot, "--connection", fixture.Postgres.ConnectionString);
        Assert.Equal(1, refused.Exit);
        Assert.Contains($"replication slot '{outbox.Slot}' is active", refused.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was dropped", refused.Err, StringComparison.Ordinal);
        Assert.True(await outbox.SlotExistsAsync(outbox.Slot));

        await outbox.StopAsync(relay);
        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is null, "the slot is released");
        var dropped = Run("slots", "drop", outbox.Slot, "--connection", fixture.Postgres.ConnectionString);
        Assert.Equal(0, dropped.Exit);
        Assert.StartsWith($"dropped replication slot {outbox.Slot} (pgoutput, confirmed ", dropped.Out, StringComparison.Ordinal);
        Assert.False(await outbox.SlotExistsAsync(outbox.Slot));
        Assert.True(await other.SlotExistsAsync(other.Slot));
    }

    [Fact]
    public void Drop_of_an_unknown_name_is_a_clear_error()
    {
        var result = Run("slots", "drop", "no_such_slot_here", "--connection", fixture.Postgres.ConnectionString);
        Assert.Equal(1, result.Exit);
        Assert.Equal("outbox: there is no replication slot named 'no_such_slot_here' (run 'outbox slots list' to see the slots)\n", result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Drop_requires_the_name()
    {
        var result = Run("slots", "drop", "--connection", fixture.Postgres.ConnectionString);
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("Required argument missing for command: 'drop'", result.Err, StringComparison.Ordinal);
    }
}
