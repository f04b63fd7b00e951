using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Observability;

namespace Replication.Tests;

/// <summary>The heartbeat keeps an idle outbox's slot moving while other databases of the cluster write WAL.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class HeartbeatTests(StreamingPostgresFixture fixture)
{
    [Fact]
    public async Task An_idle_slot_advances_while_another_database_is_busy()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync(o => o.Replication.HeartbeatInterval = TimeSpan.FromMilliseconds(300));
        await recorder.WaitUntilAsync(_ => outbox.StateOf(host).Streaming);
        var database = "busy_" + outbox.Schema;
        await using (var admin = fixture.Postgres.CreateDataSource())
        await using (var create = admin.CreateCommand($"CREATE DATABASE \"{database}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var before = await outbox.ConfirmedFlushAsync();
            await using (var busy = NpgsqlDataSource.Create(fixture.Postgres.ConnectionStringFor(database)))
            {
                await using var command = busy.CreateCommand("CREATE TABLE churn (id int, data text); INSERT INTO churn SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
                await command.ExecuteNonQueryAsync();
            }

            var busyEnd = (ulong)await outbox.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
            Assert.True(busyEnd - before > 5_000_000, "the other database wrote megabytes of WAL");

            // No outbox message was written, yet the slot follows the cluster's WAL instead of holding it back.
            await recorder.WaitUntilAsync(async () => await outbox.ConfirmedFlushAsync() >= busyEnd, 60);
            Assert.Empty(recorder.Seen);
        }
        finally
        {
            await using var admin = fixture.Postgres.CreateDataSource();
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_quiet_stream_keeps_the_relay_alive_for_the_health_check()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync(o => o.Replication.HeartbeatInterval = TimeSpan.FromMinutes(5));
        await recorder.WaitUntilAsync(_ => outbox.StateOf(host).Streaming);
        var liveness = host.Services.GetRequiredService<IRelayHeartbeat>();

        // Nothing arrives for a while (the one heartbeat message came at the start); the relay still beats.
        var quietSince = DateTimeOffset.UtcNow.AddSeconds(1);
        await recorder.WaitUntilAsync(_ => liveness.LastBeat > quietSince);
        Assert.Empty(recorder.Seen);
    }
}
