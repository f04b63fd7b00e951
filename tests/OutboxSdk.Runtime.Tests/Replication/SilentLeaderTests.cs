using System.Diagnostics;
using Npgsql;

namespace Replication.Tests;

/// <summary>
/// Node loss in Replication mode: the slot's streamer is paused (SIGSTOP) with its socket open, so the server keeps
/// the slot active until wal_sender_timeout (60 s by default). A standby relay ends the walsender whose client has not
/// replied for LeaderTimeout and takes the slot over.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SilentLeaderTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_standby_takes_the_slot_over_from_a_paused_streamer()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (first, firstRecorder) = await outbox.StartRelayAsync();
        await firstRecorder.WaitUntilAsync(_ => outbox.StateOf(first).Streaming);
        await outbox.StopAsync(first); // the slot and publication exist; nobody streams

        var publication = await outbox.ScalarAsync<string>($"SELECT pubname FROM pg_publication_tables WHERE schemaname = '{outbox.Schema}' LIMIT 1");
        using var streamer = StartRecvLogical(fixture.Postgres, outbox.Slot, publication);
        try
        {
            await Recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<bool>($"SELECT coalesce(bool_or(active), false) FROM pg_replication_slots WHERE slot_name = '{outbox.Slot}'"), "pg_recvlogical streaming from the slot", 30);
            Signal("STOP", streamer.Id); // paused: its socket stays open, it replies to nothing

            var taking = Stopwatch.StartNew();
            var (standby, recorder) = await outbox.StartRelayAsync(o => o.LeaderTimeout = TimeSpan.FromSeconds(2));
            await outbox.PublishStepsAsync("s", 0, 2);

            await recorder.WaitUntilAsync(r => r.Seen.Count >= 2, 40);
            // LeaderTimeout (2 s) of replies unchanged as the standby watches, its retry interval (0.5 s), the stream's
            // start, and slack for a loaded machine — far below wal_sender_timeout (60 s), which was the wait before.
            Assert.True(taking.Elapsed < TimeSpan.FromSeconds(15), $"took {taking.Elapsed}");
            Assert.True(outbox.StateOf(standby).Streaming);
            Assert.Equal(["s/0", "s/1"], recorder.Seen);
        }
        finally
        {
            Signal("CONT", streamer.Id);
            streamer.Kill();
            await streamer.WaitForExitAsync();
        }
    }

    private static Process StartRecvLogical(OutboxSdk.Testing.LocalPostgres postgres, string slot, string publication)
    {
        var settings = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var start = new ProcessStartInfo(Path.Combine(postgres.BinDirectory, "pg_recvlogical")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "-d", $"host={settings.Host} port={settings.Port} user={settings.Username} dbname={settings.Database}",
            "--slot", slot, "--start", "--no-loop", "-f", "/dev/null", "-s", "1",
            "-o", "proto_version=1", "-o", "publication_names=" + publication,
        })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
