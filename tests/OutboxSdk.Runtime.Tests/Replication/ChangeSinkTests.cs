using System.Runtime.CompilerServices;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Replication.Tests;

/// <summary>A row change as the test sink builds it.</summary>
public sealed record AccountChanged(string Operation, int Id) : INotification;

public sealed class AccountChangedHandler(Recorder recorder) : INotificationHandler<AccountChanged>
{
    public Task Handle(AccountChanged notification, CancellationToken cancellationToken)
    {
        recorder.Record(notification.Operation + ":" + notification.Id);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A stand-in for the change feed's router behind the engine's seam (<see cref="IChangeSink"/>): one table, "accounts",
/// whose rows become <see cref="AccountChanged"/>; a column named "bad" makes the relation incompatible.
/// </summary>
internal sealed class AccountsSink(string schema) : IChangeSink
{
    public IReadOnlyList<(string Schema, string Table)> Tables => [(schema, "accounts")];

    public string? CheckRelation(PgRelation relation, char replicaIdentity) =>
        Handles(relation) && relation.IndexOf("bad") >= 0 ? "column \"bad\" has no member" : null;

    public bool Handles(PgRelation relation) => relation.Schema == schema && relation.Table == "accounts";

    public object? Build(RowChanged change, ChangePosition source)
    {
        var row = change.NewRow ?? change.OldRow!;
        return new AccountChanged(change.Operation.ToString().ToLowerInvariant(), row.Parse(row.RequireColumn("id"), PgValue.ReadInt32));
    }

    public object? BuildTruncate(PgRelation relation, ChangePosition source, bool cascade, bool restartIdentity) => new AccountChanged("truncate", 0);

    public async IAsyncEnumerable<object> ReadSnapshotAsync(NpgsqlConnection connection, ChangePosition template, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT id FROM \"{schema}\".accounts ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new AccountChanged("read", reader.GetInt32(0));
        }
    }
}

/// <summary>The engine's side of the change feed: snapshot then stream, no gap and no duplicate; an incompatible relation stops it.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class ChangeSinkTests(StreamingPostgresFixture fixture)
{
    [Fact]
    public async Task Existing_rows_come_from_the_snapshot_then_changes_stream_with_no_gap_or_duplicate_and_an_incompatible_relation_stops_the_relay()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        await outbox.ExecuteAsync($"CREATE TABLE \"{outbox.Schema}\".accounts (id int PRIMARY KEY, name text); INSERT INTO \"{outbox.Schema}\".accounts SELECT g, 'n' || g FROM generate_series(1, 3) g");
        var sink = new AccountsSink(outbox.Schema);
        var (host, recorder) = await outbox.StartRelayAsync(services: s => s.AddSingleton<IChangeSink>(sink));

        await outbox.ExecuteAsync($"INSERT INTO \"{outbox.Schema}\".accounts VALUES (4, 'n4'); UPDATE \"{outbox.Schema}\".accounts SET name = 'x' WHERE id = 2; DELETE FROM \"{outbox.Schema}\".accounts WHERE id = 3");
        await outbox.PublishStepsAsync("after", 0, 1); // outbox messages and changes share the stream
        await recorder.WaitUntilAsync(r => r.Seen.Contains("after/0"));
        Assert.Equal(["read:1", "read:2", "read:3", "insert:4", "update:2", "delete:3", "after/0"], recorder.Seen);

        await outbox.ExecuteAsync($"ALTER TABLE \"{outbox.Schema}\".accounts ADD COLUMN bad int; INSERT INTO \"{outbox.Schema}\".accounts VALUES (5, 'n5', 1)");
        var afterInsert = (ulong)await outbox.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        var state = outbox.StateOf(host);
        await recorder.WaitUntilAsync(_ => state.StoppedReason is not null);
        Assert.Contains("no longer matches its entity: column \"bad\" has no member", state.StoppedReason, StringComparison.Ordinal);
        Assert.DoesNotContain("insert:5", recorder.Seen);
        Assert.True(await outbox.ConfirmedFlushAsync() < afterInsert, "the slot was acknowledged past the transaction the relay stopped at");
    }
}
