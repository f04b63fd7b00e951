using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OutboxSdk;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;

namespace Replication.Tests;

/// <summary>The assembly's one [ChangeFeed] entity; its table exists only in the schemas of the tests below.</summary>
[ChangeFeed("transfers", ReplicaIdentity = ReplicaIdentity.Full)]
public partial record Transfer([property: Key] int Id, string Account, int Amount);

public sealed class TransferHandler(Recorder recorder) : INotificationHandler<Change<Transfer>>, INotificationHandler<Truncated<Transfer>>
{
    public Task Handle(Change<Transfer> notification, CancellationToken cancellationToken)
    {
        recorder.Notifications.Enqueue(notification);
        recorder.Record(notification.Operation + ":" + (notification.After ?? notification.Before)!.Id);
        return Task.CompletedTask;
    }

    public Task Handle(Truncated<Transfer> notification, CancellationToken cancellationToken)
    {
        recorder.Notifications.Enqueue(notification);
        recorder.Record("Truncate");
        return Task.CompletedTask;
    }
}

/// <summary>The typed change feed run by the replication engine against a real Postgres: the generated entity, the router, the handlers.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class ChangeFeedEndToEndTests(StreamingPostgresFixture fixture)
{
    private static string Table(ReplicationOutbox outbox) => $"\"{outbox.Schema}\".transfers";

    private static async Task<ReplicationOutbox> CreateAsync(PostgresFixture fixture, bool nullableAccount = false)
    {
        var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        await outbox.ExecuteAsync($"CREATE TABLE {Table(outbox)} (id int PRIMARY KEY, account text {(nullableAccount ? "" : "NOT NULL")}, amount int NOT NULL); ALTER TABLE {Table(outbox)} REPLICA IDENTITY FULL");
        return outbox;
    }

    [Fact]
    public async Task Inserts_updates_deletes_and_truncates_reach_the_handlers_in_commit_order_with_commit_lsn_and_xid()
    {
        await using var outbox = await CreateAsync(fixture);
        var (_, recorder) = await outbox.StartRelayAsync(changeFeed: true);

        await using var connection = await outbox.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                $"INSERT INTO {Table(outbox)} VALUES (1, 'a', 10), (2, 'b', 20); UPDATE {Table(outbox)} SET amount = 11 WHERE id = 1; DELETE FROM {Table(outbox)} WHERE id = 2; SELECT (pg_current_xact_id()::text::bigint % 4294967296)",
                connection, transaction);
            var xid = (uint)(long)(await command.ExecuteScalarAsync())!;
            await transaction.CommitAsync();
            await outbox.ExecuteAsync($"TRUNCATE {Table(outbox)}");
            await recorder.WaitUntilAsync(r => r.Seen.Contains("Truncate"));

            Assert.Equal(["Insert:1", "Insert:2", "Update:1", "Delete:2", "Truncate"], recorder.Seen);
            var changes = recorder.Notifications.Take(4).Cast<Change<Transfer>>().ToList();
            Assert.All(changes, c => Assert.Equal(xid, c.Source.TransactionId));
            Assert.All(changes, c => Assert.Equal(changes[0].Source.CommitLsn, c.Source.CommitLsn));
            Assert.Equal([0L, 1, 2, 3], changes.Select(c => c.Source.Ordinal));
            Assert.All(changes, c => Assert.Equal(outbox.Slot, c.Source.SlotName));
            Assert.Equal(outbox.Schema + ".transfers", changes[0].Source.DisplayName);
            Assert.Equal(new Transfer(1, "a", 10), changes[2].Before); // REPLICA IDENTITY FULL: the whole old row
            Assert.Equal(new Transfer(1, "a", 11), changes[2].After);
            Assert.Equal(new Transfer(2, "b", 20), changes[3].Before);
            var truncated = Assert.IsType<Truncated<Transfer>>(recorder.Notifications.Last());
            Assert.True(truncated.Source.CommitLsn > changes[0].Source.CommitLsn, "the truncate committed later");
            Assert.NotEqual(xid, truncated.Source.TransactionId);
        }
    }

    [Fact]
    public async Task Existing_rows_come_as_reads_then_the_stream_continues_with_no_gap_and_no_duplicate()
    {
        await using var outbox = await CreateAsync(fixture);
        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} SELECT g, 'a' || g, g FROM generate_series(1, 3) g");
        var (_, recorder) = await outbox.StartRelayAsync(o => o.Replication.SnapshotMode = SnapshotMode.Initial, changeFeed: true);

        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} VALUES (4, 'a4', 4); UPDATE {Table(outbox)} SET amount = 20 WHERE id = 2");
        await recorder.WaitUntilAsync(r => r.Seen.Contains("Update:2"));

        Assert.Equal(["Read:1", "Read:2", "Read:3", "Insert:4", "Update:2"], recorder.Seen);
        var read = recorder.Notifications.Cast<Change<Transfer>>().First();
        Assert.True(read.Source.Snapshot);
        Assert.Equal(new Transfer(1, "a1", 1), read.After);
    }

    [Fact]
    public async Task A_row_that_does_not_convert_is_dead_lettered_and_later_changes_flow()
    {
        await using var outbox = await CreateAsync(fixture, nullableAccount: true);
        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} VALUES (1, NULL, 1), (2, 'a2', 2)"); // the snapshot's bad row
        var (_, recorder) = await outbox.StartRelayAsync(changeFeed: true);

        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} VALUES (3, NULL, 3)");
        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} VALUES (4, 'a4', 4)");
        await recorder.WaitUntilAsync(r => r.Seen.Contains("Insert:4"));

        Assert.Equal(["Read:2", "Insert:4"], recorder.Seen);
        var streamed = await outbox.ScalarAsync<byte[]>("SELECT payload FROM dead_letters ORDER BY id DESC LIMIT 1");
        using (var row = System.Text.Json.JsonDocument.Parse(streamed))
        {
            Assert.Equal("insert", row.RootElement.GetProperty("operation").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, row.RootElement.GetProperty("after").GetProperty("account").ValueKind);
        }

        await using var command = outbox.DataSource.CreateCommand("SELECT source, subject, error FROM dead_letters ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var letters = new List<(string Source, string Subject, string Error)>();
        while (await reader.ReadAsync())
        {
            letters.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        Assert.Equal(2, letters.Count);
        Assert.All(letters, l => Assert.Equal("change-feed", l.Source));
        Assert.All(letters, l => Assert.Contains(outbox.Schema + ".transfers", l.Subject, StringComparison.Ordinal));
        Assert.All(letters, l => Assert.Contains("account", l.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incompatible_alter_table_stops_the_feed_naming_the_column_and_nothing_past_it_is_acknowledged()
    {
        await using var outbox = await CreateAsync(fixture);
        var (host, recorder) = await outbox.StartRelayAsync(changeFeed: true);
        await outbox.ExecuteAsync($"INSERT INTO {Table(outbox)} VALUES (1, 'a', 1)");
        await recorder.WaitUntilAsync(r => r.Seen.Contains("Insert:1"));

        await outbox.ExecuteAsync($"ALTER TABLE {Table(outbox)} ALTER COLUMN amount TYPE text; INSERT INTO {Table(outbox)} VALUES (2, 'b', 'two')");
        var afterInsert = (ulong)await outbox.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        var state = outbox.StateOf(host);
        await recorder.WaitUntilAsync(_ => state.StoppedReason is not null);

        Assert.Contains("amount", state.StoppedReason, StringComparison.Ordinal);
        Assert.DoesNotContain("Insert:2", recorder.Seen);
        Assert.True(await outbox.ConfirmedFlushAsync() < afterInsert, "the slot was acknowledged past the transaction the feed stopped at");
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("amount", report.Entries["outbox"].Description, StringComparison.Ordinal);
    }
}
