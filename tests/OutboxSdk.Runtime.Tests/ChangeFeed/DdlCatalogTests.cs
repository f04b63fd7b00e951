using ChangeFeedTests.Shop;

namespace OutboxSdk.ChangeFeed.Tests;

[Collection(PostgresCollection.Name)]
public sealed class DdlCatalogTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Item_table_has_the_documented_columns_types_nullability_key_and_replica_identity()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        await scope.ExecuteAsync(Item.CreateTableSql); // idempotent

        var columns = await scope.ScalarAsync<string>($"""
            SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY a.attnum)
            FROM pg_attribute a WHERE a.attrelid = '"{scope.Schema}"."items"'::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """);
        Assert.Equal(
            "id uuid NOT NULL, version integer NOT NULL, name text NOT NULL, note text, active boolean NOT NULL, big bigint NOT NULL, "
            + "ratio real NOT NULL, score double precision NOT NULL, price numeric(18,4) NOT NULL, blob bytea NOT NULL, "
            + "created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone, day date NOT NULL, "
            + "at time without time zone NOT NULL, duration interval NOT NULL, status text NOT NULL, tags text[] NOT NULL, "
            + "counts integer[] NOT NULL, refs uuid[] NOT NULL, http_status integer, previous_status text, holidays date[]",
            columns);
        Assert.Equal("id,version", await PrimaryKeyAsync(scope, $"\"{scope.Schema}\".\"items\""));
        Assert.Equal("f", await ReplicaIdentityAsync(scope, $"\"{scope.Schema}\".\"items\""));

        var descriptor = Item.ChangeFeedDescriptor;
        Assert.Null(descriptor.Schema);
        Assert.Equal("items", descriptor.Name);
        Assert.Equal(["id", "version"], descriptor.Key.Select(c => c.Name));
        Assert.Equal("http_status", descriptor.Columns.Single(c => c.Member == nameof(Item.StatusCode)).Name);
        Assert.Equal(Item.CreateTableSql, descriptor.CreateTableSql);
    }

    [Fact]
    public async Task Schema_qualified_table_with_replica_identity_default()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync("DROP SCHEMA IF EXISTS ddl_qualified CASCADE; CREATE SCHEMA ddl_qualified");
        try
        {
            await scope.ExecuteAsync(Account.CreateTableSql);
            await scope.ExecuteAsync(Account.CreateTableSql);
            Assert.Equal("account_id", await PrimaryKeyAsync(scope, "ddl_qualified.accounts"));
            Assert.Equal("d", await ReplicaIdentityAsync(scope, "ddl_qualified.accounts"));
            Assert.Equal("ddl_qualified", Account.ChangeFeedDescriptor.Schema);
            Assert.Equal(ReplicaIdentity.Default, Account.ChangeFeedDescriptor.ReplicaIdentity);
        }
        finally
        {
            await scope.ExecuteAsync("DROP SCHEMA IF EXISTS ddl_qualified CASCADE");
        }
    }

    private static Task<string> PrimaryKeyAsync(SchemaScope scope, string table) => scope.ScalarAsync<string>($"""
        SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey::int2[], a.attnum))
        FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = '{table}'::regclass AND i.indisprimary
        """);

    private static async Task<string> ReplicaIdentityAsync(SchemaScope scope, string table) =>
        (await scope.ScalarAsync<char>($"SELECT relreplident FROM pg_class WHERE oid = '{table}'::regclass")).ToString();
}
