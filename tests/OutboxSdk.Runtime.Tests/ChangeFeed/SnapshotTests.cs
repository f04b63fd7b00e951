using System.Data;
using ChangeFeedTests.Shop;
using MediatR;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The initial snapshot read in the slot's exported snapshot: existing rows as Read changes, table then key order.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SnapshotTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Rows_that_existed_when_the_slot_was_created_are_read_in_table_then_key_order_and_later_rows_are_not()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql + Card.CreateTableSql);
        await scope.ExecuteAsync(RowDecodingTests.InsertFullAndMinimal);
        await scope.ExecuteAsync("INSERT INTO cards VALUES (30, 'Cy', NULL, 3), (10, 'Ada', 'vip', 1), (20, 'Bob', NULL, 2)");
        var router = await Feed.RouterAsync(scope, null, Feed.Entity<Card>(), Feed.Entity<Item>());

        await using var replication = new LogicalReplicationConnection(scope.ConnectionString);
        await replication.Open();
        var slot = await replication.CreatePgOutputReplicationSlot("snap_" + Guid.NewGuid().ToString("N")[..10], temporarySlot: true,
            slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export);
        await scope.ExecuteAsync("INSERT INTO cards VALUES (15, 'Later', NULL, 9)"); // after the snapshot: streamed, not read

        await using var connection = await scope.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{slot.SnapshotName}'", connection, transaction))
        {
            await set.ExecuteNonQueryAsync();
        }

        var template = new ChangeSource { Schema = "", Table = "", CommitLsn = slot.ConsistentPoint, Lsn = slot.ConsistentPoint, SlotName = slot.Name, CommitTime = DateTimeOffset.UtcNow };
        var events = new List<INotification>();
        await foreach (var notification in router.ReadSnapshotAsync(connection, template, CancellationToken.None))
        {
            events.Add(notification);
        }

        Assert.Equal(5, events.Count);
        var cards = events.Take(3).Cast<Change<Card>>().ToList();
        Assert.Equal([10L, 20L, 30L], cards.Select(c => c.After!.Id));
        Assert.Equal(new Card(10, "Ada", "vip", 1), cards[0].After);
        var items = events.Skip(3).Cast<Change<Item>>().ToList();
        RowDecodingTests.AssertSameItem(RowDecodingTests.Minimal, items[0].After!); // key (id, version): 0000…02 sorts before 5f0c…
        RowDecodingTests.AssertSameItem(RowDecodingTests.Full, items[1].After!);

        var changes = events.Cast<dynamic>().Select(e => (ChangeSource)e.Source).ToList();
        Assert.All(events, e => Assert.Equal(ChangeOperation.Read, ((dynamic)e).Operation));
        Assert.All(changes, s => Assert.True(s.Snapshot));
        Assert.All(changes, s => Assert.Equal(slot.ConsistentPoint, s.CommitLsn));
        Assert.Equal([0L, 1L, 2L, 3L, 4L], changes.Select(s => s.Ordinal));
        Assert.Equal([scope.Schema], changes.Select(s => s.Schema).Distinct());
        Assert.Equal(["cards", "cards", "cards", "items", "items"], changes.Select(s => s.Table));
    }

    [Fact]
    public async Task A_snapshot_row_that_does_not_convert_is_yielded_as_a_failure_and_the_snapshot_goes_on()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Card.CreateTableSql);
        await scope.ExecuteAsync("ALTER TABLE cards ALTER COLUMN holder DROP NOT NULL; INSERT INTO cards VALUES (1, NULL, NULL, 1), (2, 'Bob', NULL, 2)");
        var router = await Feed.CardsAsync(scope);

        await using var connection = await scope.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var events = new List<INotification>();
        await foreach (var notification in router.ReadSnapshotAsync(connection, new ChangeSource { Schema = "", Table = "", Lsn = NpgsqlLogSequenceNumber.Invalid }, CancellationToken.None))
        {
            events.Add(notification);
        }

        var failure = Assert.IsType<ChangeFeedFailure>(events[0]);
        Assert.Equal("holder", failure.Error.Column);
        Assert.Equal(typeof(Card), failure.EntityType);
        Assert.Equal(2L, Assert.IsType<Change<Card>>(events[1]).After!.Id);
    }
}
