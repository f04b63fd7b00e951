using Npgsql;

namespace Replication.Tests;

/// <summary>Restarts, a slot that moved backwards, and a standby that takes over: nothing lost, no duplicate effect.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class ResilienceTests(StreamingPostgresFixture fixture)
{
    [Fact]
    public async Task A_consumer_killed_mid_transaction_resumes_with_nothing_lost_and_no_duplicate_effect()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();
        // While entry 20 of the 40 is being handled, the walsender is terminated: the stream breaks mid-transaction.
        recorder.OnLedger[20] = async () => await outbox.ExecuteAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{outbox.Slot}'");

        await outbox.PublishAsync(Enumerable.Range(1, 40).Select(i => new LedgerEntry("acct", i)));
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 40, 120);
        await outbox.PublishAsync([new LedgerEntry("acct", 41)]);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 41, 120);

        Assert.True(recorder.OnLedger.IsEmpty, "the hook that kills the stream ran");
        Assert.Equal(41L, await outbox.ScalarAsync<long>("SELECT count(DISTINCT amount) FROM ledger"));
        Assert.Equal(41L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(41, recorder.Seen.Count); // replayed entries were skipped by position, not handled again
    }

    [Fact]
    public async Task A_host_stopped_mid_stream_and_started_again_delivers_the_rest_once()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (first, recorder) = await outbox.StartRelayAsync();
        for (var tx = 0; tx < 20; tx++)
        {
            await outbox.PublishAsync(Enumerable.Range(tx * 10, 10).Select(i => new LedgerEntry("acct", i)));
        }

        await recorder.WaitUntilAsync(r => r.Seen.Count >= 30, 120);
        await outbox.StopAsync(first);
        var (_, second) = await outbox.StartRelayAsync();

        await second.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 200, 120);
        Assert.Equal(200L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(200L, await outbox.ScalarAsync<long>("SELECT count(DISTINCT amount) FROM ledger"));
    }

    [Fact]
    public async Task A_consumer_whose_position_another_consumer_passed_meanwhile_rolls_its_work_back_and_goes_on_after_it()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();
        await outbox.PublishAsync([new LedgerEntry("acct", 1)]);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") == 1, 60);

        // Hold the handler of the next entry inside its delivery transaction, and meanwhile let "another consumer" —
        // a zombie's successor — commit a position past it, as the forward-only position row records.
        await using (var hold = await outbox.DataSource.OpenConnectionAsync())
        {
            await using var tx = await hold.BeginTransactionAsync();
            await using (var lockLedger = new Npgsql.NpgsqlCommand("LOCK TABLE ledger IN EXCLUSIVE MODE", hold, tx))
            {
                await lockLedger.ExecuteNonQueryAsync();
            }

            await outbox.PublishAsync([new LedgerEntry("acct", 2)]);
            await Recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE relation = 'ledger'::regclass AND NOT granted") > 0, "the handler waiting on the ledger", 30);
            await outbox.ExecuteAsync("UPDATE replication_positions SET commit_lsn = pg_current_wal_lsn(), ordinal = 1000000");
            await tx.CommitAsync();
        }

        await outbox.PublishAsync([new LedgerEntry("acct", 3)]);
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE amount = 3") == 1, 60);
        var amounts = await outbox.ScalarAsync<int[]>("SELECT array_agg(amount ORDER BY amount) FROM ledger");
        Assert.Equal(new[] { 1, 3 }, amounts); // entry 2's effect went back with its position
    }

    [Fact]
    public async Task A_slot_that_moved_backwards_replays_transactions_without_a_duplicate_effect()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var older = outbox.Slot + "_old";
        var (host, _) = await outbox.StartRelayAsync();
        await outbox.StopAsync(host);
        await outbox.ExecuteAsync($"SELECT pg_copy_logical_replication_slot('{outbox.Slot}', '{older}')");

        var (second, recorder) = await outbox.StartRelayAsync();
        await outbox.PublishAsync(Enumerable.Range(1, 5).Select(i => new LedgerEntry("acct", i)));
        await outbox.PublishAsync(Enumerable.Range(6, 5).Select(i => new LedgerEntry("acct", i)));
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 10, 120);
        await recorder.WaitUntilAsync(async () => await outbox.ConfirmedFlushAsync() > await outbox.ConfirmedFlushAsync(older), 120);
        await outbox.StopAsync(second);

        // What a Postgres crash does to a slot (confirmed_flush is persisted only at checkpoints): put it back.
        await outbox.DropSlotAsync(outbox.Slot);
        await outbox.ExecuteAsync($"SELECT pg_copy_logical_replication_slot('{older}', '{outbox.Slot}')");
        await outbox.DropSlotAsync(older);
        var (_, third) = await outbox.StartRelayAsync();
        await outbox.PublishAsync([new LedgerEntry("acct", 99)]);
        await third.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE amount = 99") >= 1, 120);

        Assert.Equal(11L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(["ledger:acct/99"], third.Seen);
    }

    [Fact]
    public async Task A_standby_instance_takes_over_when_the_active_one_stops()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (active, first) = await outbox.StartRelayAsync();
        await first.WaitUntilAsync(_ => outbox.StateOf(active).Streaming);
        var (standby, second) = await outbox.StartRelayAsync();

        await outbox.PublishStepsAsync("s", 0, 1);
        await first.WaitUntilAsync(r => r.Seen.Count >= 1);
        Assert.False(outbox.StateOf(standby).Streaming);

        await outbox.StopAsync(active);
        await outbox.PublishStepsAsync("s", 1, 1);
        await second.WaitUntilAsync(r => r.Seen.Count >= 1, 60);

        Assert.Equal(["s/0"], first.Seen);
        Assert.Equal(["s/1"], second.Seen);
        Assert.True(outbox.StateOf(standby).Streaming);
    }

    [Fact]
    public async Task A_postgres_crash_mid_stream_loses_nothing_and_doubles_no_effect()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();
        for (var tx = 0; tx < 5; tx++)
        {
            await outbox.PublishAsync(Enumerable.Range(tx * 10, 10).Select(i => new LedgerEntry("acct", i)));
        }

        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 50, 120);

        // An immediate shutdown is a crash: the slot restarts from the confirmed_flush_lsn of the last checkpoint,
        // behind what the relay acknowledged, and transactions already processed stream again.
        await RestartAsync(fixture.Postgres, "immediate");
        outbox.DataSource.Clear();
        for (var tx = 5; tx < 10; tx++)
        {
            await outbox.PublishAsync(Enumerable.Range(tx * 10, 10).Select(i => new LedgerEntry("acct", i)));
        }

        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger") >= 100, 180);
        Assert.Equal(100L, await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger"));
        Assert.Equal(100L, await outbox.ScalarAsync<long>("SELECT count(DISTINCT amount) FROM ledger"));
    }

    private static async Task RestartAsync(OutboxSdk.Testing.LocalPostgres postgres, string mode)
    {
        // As root, LocalPostgres runs the server as the postgres user (through runuser); so does this.
        var pgCtl = Path.Combine(postgres.BinDirectory, "pg_ctl");
        var asRoot = Environment.UserName == "root";
        var start = new System.Diagnostics.ProcessStartInfo(asRoot ? "runuser" : pgCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var arguments = new List<string>();
        if (asRoot)
        {
            arguments.AddRange(["-u", "postgres", "--", pgCtl]);
        }

        arguments.AddRange(["restart", "-m", mode, "-w", "-D", Path.Combine(postgres.Folder, "data"), "-l", Path.Combine(postgres.Folder, "postgres.log")]);
        arguments.ForEach(start.ArgumentList.Add);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "pg_ctl restart failed: " + output);
    }
}
