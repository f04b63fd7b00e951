using ChangeFeedTests.Shop;
using MediatR;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>Real pgoutput messages (Relation, Insert, Update, Delete, Truncate) routed into typed changes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgOutputRoutingTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_mapped_column_type_arrives_typed_through_insert_update_delete_and_truncate(bool binary)
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        var router = await Feed.ItemsAsync(scope);

        var captured = await PgOutputCapture.RunAsync(scope, router, commits: 4, async () =>
        {
            await scope.ExecuteAsync(RowDecodingTests.InsertFullAndMinimal);
            await scope.ExecuteAsync("UPDATE items SET name = 'renamed', counts = '{7}' WHERE version = 1");
            await scope.ExecuteAsync("DELETE FROM items WHERE version = -7");
            await scope.ExecuteAsync("TRUNCATE items RESTART IDENTITY CASCADE");
        }, binary);

        Assert.Empty(captured.Failures);
        Assert.All(captured.Checks, c => Assert.True(c.IsCompatible, c.Error));
        var changes = captured.Events.OfType<Change<Item>>().ToList();
        Assert.Equal([ChangeOperation.Insert, ChangeOperation.Insert, ChangeOperation.Update, ChangeOperation.Delete], changes.Select(c => c.Operation));

        RowDecodingTests.AssertSameItem(RowDecodingTests.Full, changes[0].After!);
        RowDecodingTests.AssertSameItem(RowDecodingTests.Minimal, changes[1].After!);
        Assert.Equal(BeforeImage.None, changes[0].BeforeImage);
        Assert.Equal([RowDecodingTests.Full.Id, (object)RowDecodingTests.Full.Version], changes[0].Key.Values);

        // REPLICA IDENTITY FULL: the update and the delete carry the whole old row.
        var update = changes[2];
        Assert.Equal(BeforeImage.Full, update.BeforeImage);
        RowDecodingTests.AssertSameItem(RowDecodingTests.Minimal, update.Before!);
        RowDecodingTests.AssertSameItem(RowDecodingTests.Minimal with { Name = "renamed", Counts = [7] }, update.After!);
        var delete = changes[3];
        Assert.Equal(BeforeImage.Full, delete.BeforeImage);
        RowDecodingTests.AssertSameItem(RowDecodingTests.Full, delete.Before!);
        Assert.Null(delete.After);

        var truncate = captured.Single<Truncated<Item>>();
        Assert.True(truncate.Cascade);
        Assert.True(truncate.RestartIdentity);
        Assert.Equal((scope.Schema, "items"), (truncate.Source.Schema, truncate.Source.Table));

        // Source: schema and table from the relation; both inserts in one transaction, ordinals in order.
        Assert.All(changes, c => Assert.Equal((scope.Schema, "items"), (c.Source.Schema, c.Source.Table)));
        Assert.Equal(changes[0].Source.CommitLsn, changes[1].Source.CommitLsn);
        Assert.Equal(changes[0].Source.TransactionId, changes[1].Source.TransactionId);
        Assert.True(changes[0].Source.Ordinal < changes[1].Source.Ordinal);
        Assert.True(changes[1].Source.CommitLsn < changes[2].Source.CommitLsn);
        Assert.All(changes, c => Assert.False(c.Source.Snapshot));
    }

    [Fact]
    public async Task Replica_identity_default_gives_the_key_only_and_never_an_invented_before_image()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Card.CreateTableSql);
        var router = await Feed.CardsAsync(scope);

        var captured = await PgOutputCapture.RunAsync(scope, router, commits: 4, async () =>
        {
            await scope.ExecuteAsync("INSERT INTO cards VALUES (1, 'Ada', NULL, 500)");
            await scope.ExecuteAsync("UPDATE cards SET holder = 'Ada L.' WHERE id = 1");
            await scope.ExecuteAsync("UPDATE cards SET id = 2 WHERE id = 1");
            await scope.ExecuteAsync("DELETE FROM cards WHERE id = 2");
        });

        Assert.Empty(captured.Failures);
        var changes = captured.Events.OfType<Change<Card>>().ToList();
        Assert.Equal(4, changes.Count);

        // An update that keeps the key: no old tuple at all; the key is the row's.
        Assert.Equal(BeforeImage.None, changes[1].BeforeImage);
        Assert.Null(changes[1].Before);
        Assert.Equal(new Card(1, "Ada L.", null, 500), changes[1].After);
        Assert.Equal(1L, changes[1].Key["Id"]);

        // An update of the key: the old key only, the after image whole.
        Assert.Equal(BeforeImage.Key, changes[2].BeforeImage);
        Assert.Null(changes[2].Before);
        Assert.Equal(1L, changes[2].Key["Id"]);
        Assert.Equal(2L, changes[2].After!.Id);

        // A delete: which row, and nothing else.
        Assert.Equal(BeforeImage.Key, changes[3].BeforeImage);
        Assert.Null(changes[3].Before);
        Assert.Null(changes[3].After);
        Assert.Equal(["id"], changes[3].Key.Columns);
        Assert.Equal(2L, changes[3].Key["Id"]);
    }

    [Fact]
    public async Task Unchanged_toast_comes_from_the_full_before_image_and_fails_clearly_without_one()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql + Card.CreateTableSql);
        await scope.ExecuteAsync(RowDecodingTests.InsertFullAndMinimal);
        await scope.ExecuteAsync($"UPDATE items SET note = {Feed.LargeText}; INSERT INTO cards VALUES (1, 'Ada', {Feed.LargeText}, 1)");
        var note = await scope.ScalarAsync<string>("SELECT note FROM items WHERE version = 1");
        Assert.True(note.Length > 2048);

        var router = await Feed.RouterAsync(scope, null, Feed.Entity<Item>(), Feed.Entity<Card>());
        var captured = await PgOutputCapture.RunAsync(scope, router, commits: 2, async () =>
        {
            await scope.ExecuteAsync("UPDATE items SET active = NOT active WHERE version = 1");
            await scope.ExecuteAsync("UPDATE cards SET limit_cents = 2 WHERE id = 1");
        });

        // FULL: the new tuple says 'u' for note, the old tuple has it whole; the policy takes it from there.
        var item = captured.Single<Change<Item>>();
        Assert.Equal(note, item.After!.Note);
        Assert.Equal(note, item.Before!.Note);
        Assert.True(item.After.Active);

        // DEFAULT: no before image to take notes from, so the change fails naming the column and the fix.
        var error = Assert.IsType<PgRowException>(Assert.Single(captured.Failures));
        Assert.Equal("notes", error.Column);
        Assert.Contains("unchanged TOAST", error.Message, StringComparison.Ordinal);
        Assert.Contains("REPLICA IDENTITY FULL", error.Message, StringComparison.Ordinal);
        Assert.Empty(captured.Events.OfType<Change<Card>>());
    }

    [Fact]
    public async Task The_fail_policy_fails_unchanged_toast_even_with_a_before_image()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        await scope.ExecuteAsync(RowDecodingTests.InsertFullAndMinimal);
        await scope.ExecuteAsync($"UPDATE items SET note = {Feed.LargeText} WHERE version = 1");
        var router = await Feed.ItemsAsync(scope, new ChangeFeedOptions { UnchangedToast = ToastPolicy.Throw });

        var captured = await PgOutputCapture.RunAsync(scope, router, commits: 1,
            () => scope.ExecuteAsync("UPDATE items SET active = NOT active WHERE version = 1"));

        var error = Assert.IsType<PgRowException>(Assert.Single(captured.Failures));
        Assert.Equal("note", error.Column);
        Assert.Contains("policy is Throw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_added_column_is_ignored_and_a_dropped_or_retyped_mapped_column_stops_the_feed()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Card.CreateTableSql);
        var router = await Feed.CardsAsync(scope);

        var captured = await PgOutputCapture.RunAsync(scope, router, commits: 3, async () =>
        {
            await scope.ExecuteAsync("INSERT INTO cards VALUES (1, 'Ada', NULL, 1)");
            await scope.ExecuteAsync("ALTER TABLE cards ADD COLUMN nickname text; INSERT INTO cards VALUES (2, 'Bob', NULL, 2, 'bobby')");
            await scope.ExecuteAsync("ALTER TABLE cards ALTER COLUMN limit_cents TYPE numeric(20,2); INSERT INTO cards VALUES (3, 'Cy', NULL, 3)");
        });

        Assert.Equal(3, captured.Checks.Count);
        Assert.True(captured.Checks[0].IsCompatible);
        Assert.Empty(captured.Checks[0].IgnoredColumns);

        Assert.True(captured.Checks[1].IsCompatible);
        Assert.Equal(["nickname"], captured.Checks[1].IgnoredColumns);
        Assert.Equal([1L, 2L], captured.Events.OfType<Change<Card>>().Select(c => c.After!.Id));

        var retyped = captured.Checks[2];
        Assert.False(retyped.IsCompatible);
        Assert.Contains($"column \"limit_cents\" of table {scope.Schema}.cards is now numeric(20,2)", retyped.Error, StringComparison.Ordinal);
        Assert.Contains("expects bigint", retyped.Error, StringComparison.Ordinal);
        Assert.Contains("ALTER TABLE", retyped.Error, StringComparison.Ordinal);
        var refused = Assert.IsType<InvalidOperationException>(Assert.Single(captured.Failures));
        Assert.Contains("limit_cents", refused.Message, StringComparison.Ordinal);

        // A mapped column dropped.
        await scope.ExecuteAsync("ALTER TABLE cards ALTER COLUMN limit_cents TYPE bigint");
        var again = await PgOutputCapture.RunAsync(scope, router, commits: 1,
            () => scope.ExecuteAsync("ALTER TABLE cards DROP COLUMN holder; INSERT INTO cards (id, limit_cents) VALUES (4, 4)"));
        var dropped = Assert.Single(again.Checks);
        Assert.False(dropped.IsCompatible);
        Assert.Contains("column \"holder\"", dropped.Error, StringComparison.Ordinal);
        Assert.Contains("dropped or renamed", dropped.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tables_of_other_relations_are_not_routed()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Card.CreateTableSql + "CREATE TABLE other (id int PRIMARY KEY);");
        var router = await Feed.CardsAsync(scope);
        var relation = new PgRelation(99, scope.Schema, "other", [new PgRelationColumn("id", 23, -1, true)], ReplicaIdentity.Default);

        Assert.False(router.OnRelation(relation).IsMapped);
        var row = new PgRow(relation, [PgColumnKind.Text], ["1"u8.ToArray()]);
        Assert.Null(router.Build(ChangeOperation.Insert, 99, null, false, row, new ChangeSource { Schema = "", Table = "" }));
        Assert.Null(router.BuildTruncate(99, new ChangeSource { Schema = "", Table = "" }, false, false));
        Assert.Equal([(scope.Schema, "cards")], router.Tables);
    }

    [Fact]
    public void Unqualified_tables_resolve_to_the_given_schema_and_qualified_ones_keep_theirs()
    {
        var router = new ChangeFeedRouter([Feed.Entity<Card>(), Feed.Entity<Account>(), Feed.Entity<Item>()], "app");

        Assert.Equal([("app", "cards"), ("app", "items"), ("ddl_qualified", "accounts")], router.Tables);
    }

    [Fact]
    public void An_entity_without_row_decoders_is_refused_with_what_to_do()
    {
        var bare = Registration.ChangeFeedEntityType.Create<Card>("cards", ReplicaIdentity.Default);

        var error = Assert.Throws<InvalidOperationException>(() => new ChangeFeedRouter([bare], "app"));
        Assert.Contains("without its row decoders", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_identity_that_cannot_name_deleted_rows_is_incompatible_and_default_under_a_full_entity_warns()
    {
        var router = new ChangeFeedRouter([Feed.Entity<Card>(), Feed.Entity<Item>()], "app");
        PgRelationColumn Column(string name, uint oid, bool key) => new(name, oid, -1, key);

        var nothing = router.OnRelation(new PgRelation(1, "app", "cards",
            [Column("id", 20, false), Column("holder", 25, false), Column("notes", 25, false), Column("limit_cents", 20, false)], ReplicaIdentity.Nothing));
        Assert.False(nothing.IsCompatible);
        Assert.Contains("REPLICA IDENTITY NOTHING", nothing.Error, StringComparison.Ordinal);
        Assert.Contains("REPLICA IDENTITY DEFAULT", nothing.Error, StringComparison.Ordinal);

        var columns = Item.ChangeFeedDescriptor.Columns.Select(c =>
        {
            var (oid, modifier) = PgTypeOids.Parse(c.PostgresType);
            return new PgRelationColumn(c.Name, oid, modifier, c.IsKey);
        }).ToList();
        var items = router.OnRelation(new PgRelation(2, "app", "items", columns, ReplicaIdentity.Default));
        Assert.True(items.IsCompatible, items.Error);
        Assert.Contains(items.Warnings, w => w.Contains("REPLICA IDENTITY FULL", StringComparison.Ordinal));
    }
}

/// <summary>The router fed rows read with SQL (RowSource), in both formats, including hand-made unchanged-TOAST and key-only rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RowSourceRoutingTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(PgColumnKind.Text)]
    [InlineData(PgColumnKind.Binary)]
    public async Task Rows_read_with_sql_route_into_changes_and_an_unchanged_toast_column_takes_the_before_image(PgColumnKind format)
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        await scope.ExecuteAsync(RowDecodingTests.InsertFullAndMinimal);
        var router = await Feed.ItemsAsync(scope);
        var rows = await RowSource.ReadAsync(scope, Item.ChangeFeedDescriptor, format, "version");
        var relation = rows[0].Relation;
        Assert.True(router.OnRelation(relation).IsCompatible);
        var source = new ChangeSource { Schema = "", Table = "" };

        var insert = Assert.IsType<Change<Item>>(router.Build(ChangeOperation.Insert, relation.Id, null, false, rows[0], source));
        RowDecodingTests.AssertSameItem(RowDecodingTests.Full, insert.After!);
        Assert.Equal((scope.Schema, "items"), (insert.Source.Schema, insert.Source.Table));

        // The new row as pgoutput sends it when the UPDATE left "name" alone: 'u', no bytes.
        var name = relation.IndexOf("name");
        var kinds = Enumerable.Range(0, rows[1].Count).Select(i => i == name ? PgColumnKind.UnchangedToast : rows[1].KindAt(i)).ToArray();
        var values = Enumerable.Range(0, rows[1].Count).Select(i => i == name ? default : new ReadOnlyMemory<byte>(rows[1].ValueAt(i).ToArray())).ToArray();
        var unchanged = new PgRow(relation, kinds, values);

        var update = Assert.IsType<Change<Item>>(router.Build(ChangeOperation.Update, relation.Id, rows[1], false, unchanged, source));
        Assert.Equal(RowDecodingTests.Minimal.Name, update.After!.Name);

        var error = Assert.Throws<PgRowException>(() => router.Build(ChangeOperation.Update, relation.Id, null, false, unchanged, source));
        Assert.Equal("name", error.Column);

        // A key-only old row: only the key columns have values.
        var keyKinds = Enumerable.Range(0, rows[1].Count).Select(i => relation.Columns[i] is "id" or "version" ? rows[1].KindAt(i) : PgColumnKind.Null).ToArray();
        var keyOnly = new PgRow(relation, keyKinds, values);
        var delete = Assert.IsType<Change<Item>>(router.Build(ChangeOperation.Delete, relation.Id, keyOnly, true, null, source));
        Assert.Equal(BeforeImage.Key, delete.BeforeImage);
        Assert.Null(delete.Before);
        Assert.Equal([RowDecodingTests.Minimal.Id, (object)1], delete.Key.Values);
    }
}
