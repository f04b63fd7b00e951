using Npgsql;

namespace Relay.Tests;

/// <summary>
/// Node loss in Notify mode: a leader whose process is paused or cut off keeps its server session, and with it the
/// leader lock, until its socket dies — minutes to hours. A standby ends that session once it has been silent for
/// LeaderTimeout and takes over; a leader that is alive, even idle, keeps its lead.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SilentLeaderTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_standby_takes_over_from_a_leader_whose_session_went_silent_and_ends_that_session()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        // What a paused or partitioned leader looks like to the server: a session that holds the leader lock and
        // says nothing more.
        await using var silent = await outbox.DataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", silent) { Parameters = { new() { Value = "outbox relay " + outbox.Schema } } })
        {
            await take.ExecuteNonQueryAsync();
        }

        var silentPid = silent.ProcessID;
        Assert.Equal(silentPid, await outbox.LeaderPidAsync());

        var (_, recorder) = await outbox.StartRelayAsync(o => (o.LeaderTimeout, o.PollInterval) = (TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300)));
        await outbox.WriteStepsAsync("k", 0, 3);

        await recorder.WaitUntilAsync(r => r.Seen.Count == 3, 30);
        Assert.Equal(["k/0", "k/1", "k/2"], recorder.Seen.Select(s => $"{s.OrderId}/{s.Seq}"));
        Assert.NotEqual(silentPid, await outbox.LeaderPidAsync());
        Assert.Equal(0L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE pid = {silentPid}"));
    }

    [Fact]
    public async Task A_busy_leader_whose_listen_connection_only_receives_notifications_keeps_its_lead()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, first) = await outbox.StartRelayAsync(o => (o.LeaderTimeout, o.PollInterval) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)));
        await outbox.WriteStepsAsync("busy", 0, 1);
        await first.WaitUntilAsync(r => r.Seen.Count == 1);
        var leader = await outbox.LeaderPidAsync();
        var (_, second) = await outbox.StartRelayAsync(o => (o.LeaderTimeout, o.PollInterval) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)));

        // A notification every 100 ms for four timeouts: the listen connection is never idle long enough to ping on
        // a "no notification came" schedule, and its session's state does not change when notifications arrive.
        for (var i = 1; i <= 40; i++)
        {
            await outbox.WriteStepsAsync("busy", i, 1);
            await Task.Delay(100);
        }

        await first.WaitUntilAsync(r => r.Seen.Count == 41);
        Assert.Equal(leader, await outbox.LeaderPidAsync());
        Assert.Empty(second.Seen);
    }

    [Fact]
    public async Task An_idle_leader_that_is_alive_keeps_its_lead_past_the_timeout()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, first) = await outbox.StartRelayAsync(o => (o.LeaderTimeout, o.PollInterval) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)));
        await outbox.WriteStepsAsync("a", 0, 1);
        await first.WaitUntilAsync(r => r.Seen.Count == 1);
        var leader = await outbox.LeaderPidAsync();
        var (_, second) = await outbox.StartRelayAsync(o => (o.LeaderTimeout, o.PollInterval) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)));

        await Task.Delay(TimeSpan.FromSeconds(4)); // four timeouts of silence from the application's side
        await outbox.WriteStepsAsync("a", 1, 1);

        await first.WaitUntilAsync(r => r.Seen.Count == 2);
        Assert.Equal(leader, await outbox.LeaderPidAsync());
        Assert.Empty(second.Seen);
    }
}
