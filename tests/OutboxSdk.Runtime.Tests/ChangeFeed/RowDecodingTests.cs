using ChangeFeedTests.Shop;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>Rows inserted as SQL literals, read back as the server's text and binary formats, decoded by the generated FromRow.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RowDecodingTests(PostgresFixture fixture)
{
    internal const string Columns = "id, version, name, note, active, big, ratio, score, price, blob, created_at, updated_at, day, at, duration, status, tags, counts, refs, http_status, previous_status, holidays";

    /// <summary>Inserts <see cref="Full"/> (version -7) and <see cref="Minimal"/> (version 1).</summary>
    internal const string InsertFullAndMinimal = $$"""
            INSERT INTO items ({{Columns}}) VALUES
            ('5f0c6a0e-8a43-4a4e-9d2b-0c1d2e3f4a5b', -7, 'Zürich — 東京 🚀 ''quoted''', NULL, true, -9223372036854775808,
             'NaN', '-Infinity', -12345678901234.5678, '\x00ff5c78', '2026-11-21 09:00:00.123456+05:30', NULL,
             '0001-01-01', '23:59:59.999999', '-3 days +01:00:00.000001', 'Retired',
             ARRAY['a', NULL, 'b,c', 'quote"d', 'NULL', 'back\slash', ' spaced ', '', '{brace}'], '{-1,0,2147483647}', '{}',
             NULL, 'Live', ARRAY['2026-12-25'::date, NULL]),
            ('00000000-0000-0000-0000-000000000002', 1, '', 'note', false, 0, 1.5, 1e-300, 0.0001, '\x', '1900-01-01 00:00:00+00',
             '2026-01-02 03:04:05+00', '9999-12-31', '00:00:00', '100:00:00', 'Draft', '{}', '{}',
             '{00000000-0000-0000-0000-0000000000ff}', 404, NULL, NULL)
            """;

    internal static readonly Item Full = new(
        Guid.Parse("5f0c6a0e-8a43-4a4e-9d2b-0c1d2e3f4a5b"), -7, "Zürich — 東京 🚀 'quoted'", null, true, long.MinValue,
        float.NaN, double.NegativeInfinity, -12345678901234.5678m, [0x00, 0xFF, 0x5C, 0x78],
        new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.FromHours(5.5)).AddTicks(1_234_560), null,
        new DateOnly(1, 1, 1), new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)), TimeSpan.FromDays(-3) + TimeSpan.FromHours(1) + TimeSpan.FromTicks(10),
        ItemStatus.Retired, ["a", null, "b,c", "quote\"d", "NULL", "back\\slash", " spaced ", "", "{brace}"], [-1, 0, int.MaxValue], [])
    {
        StatusCode = null,
        PreviousStatus = ItemStatus.Live,
        Holidays = [new DateOnly(2026, 12, 25), null],
    };

    internal static readonly Item Minimal = new(
        Guid.Parse("00000000-0000-0000-0000-000000000002"), 1, "", "note", false, 0, 1.5f, 1e-300, 0.0001m, [],
        new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        new DateOnly(9999, 12, 31), TimeOnly.MinValue, TimeSpan.FromHours(100), ItemStatus.Draft, [], [], [Guid.Parse("00000000-0000-0000-0000-0000000000ff")])
    {
        StatusCode = 404,
    };

    [Theory]
    [InlineData(PgColumnKind.Text, "UTC")]
    [InlineData(PgColumnKind.Text, "Asia/Kolkata")]
    [InlineData(PgColumnKind.Text, "Europe/Amsterdam")] // 1900 there is +00:19:32, an offset with seconds
    [InlineData(PgColumnKind.Binary, "UTC")]
    public async Task Rows_read_as_text_and_binary_decode_to_what_was_inserted(PgColumnKind format, string timeZone)
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        await scope.ExecuteAsync(InsertFullAndMinimal);

        var rows = await RowSource.ReadAsync(scope, Item.ChangeFeedDescriptor, format, "version", $"SET TimeZone = '{timeZone}'");

        AssertSameItem(Full, Item.FromRow(rows[0]));
        AssertSameItem(Minimal, Item.FromRow(rows[1]));
        Assert.Equal(4, Item.FromRow(rows[1]).Price.Scale); // numeric(18,4) keeps its scale: 0.0001 has 4 digits
    }

    [Theory]
    [InlineData(PgColumnKind.Text, "day", "'infinity'", "infinity")]
    [InlineData(PgColumnKind.Binary, "day", "'-infinity'", "infinity")]
    [InlineData(PgColumnKind.Text, "created_at", "'infinity'", "infinity")]
    [InlineData(PgColumnKind.Binary, "created_at", "'infinity'", "infinity")]
    [InlineData(PgColumnKind.Text, "at", "'24:00:00'", "24:00")]
    [InlineData(PgColumnKind.Binary, "duration", "'1 mon'", "month")]
    [InlineData(PgColumnKind.Text, "status", "'Gone'", "not a member of ItemStatus")]
    [InlineData(PgColumnKind.Binary, "counts", "ARRAY[1, NULL]", "element 2 is NULL")]
    public async Task Values_the_entity_cannot_hold_throw_naming_table_column_and_value(PgColumnKind format, string column, string literal, string reason)
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(Item.CreateTableSql);
        await scope.ExecuteAsync($$"""
            INSERT INTO items ({{Columns}}) VALUES ('00000000-0000-0000-0000-000000000001', 1, 'n', NULL, true, 1, 1, 1, 1, '\x',
              '2026-01-01 00:00:00+00', NULL, '2026-01-01', '00:00:00', '1 day', 'Live', '{}', '{}', '{}', NULL, NULL, NULL)
            """);
        await scope.ExecuteAsync($"UPDATE items SET {column} = {literal}");

        var row = Assert.Single(await RowSource.ReadAsync(scope, Item.ChangeFeedDescriptor, format, "version"));
        var error = Assert.Throws<PgRowException>(() => Item.FromRow(row));
        Assert.Equal(column, error.Column);
        Assert.Equal(scope.Schema + ".items", error.Table);
        Assert.Contains($"\"{column}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_in_a_non_nullable_member_and_a_missing_column_throw()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync("DROP SCHEMA IF EXISTS ddl_qualified CASCADE; CREATE SCHEMA ddl_qualified");
        try
        {
            await scope.ExecuteAsync(Account.CreateTableSql);
            await scope.ExecuteAsync("ALTER TABLE ddl_qualified.accounts ALTER COLUMN email DROP NOT NULL; INSERT INTO ddl_qualified.accounts VALUES (1, NULL, '\\x01')");
            var row = Assert.Single(await RowSource.ReadAsync(scope, Account.ChangeFeedDescriptor, PgColumnKind.Binary, "account_id"));
            var error = Assert.Throws<PgRowException>(() => Account.FromRow(row));
            Assert.Equal("email", error.Column);
            Assert.Contains("NULL", error.Message, StringComparison.Ordinal);

            var renamed = new PgRow(new PgRelation(1, "ddl_qualified", "accounts", ["account_id", "mail", "avatar"]),
                [PgColumnKind.Text, PgColumnKind.Text, PgColumnKind.Text], [ "1"u8.ToArray(), "a"u8.ToArray(), "\\x"u8.ToArray()]);
            var missing = Assert.Throws<PgRowException>(() => Account.FromRow(renamed));
            Assert.Equal("email", missing.Column);
            Assert.Contains("has no column \"email\"", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            await scope.ExecuteAsync("DROP SCHEMA IF EXISTS ddl_qualified CASCADE");
        }
    }

    [Fact]
    public void Unchanged_toast_throws_by_default_and_takes_the_previous_value_when_asked()
    {
        var relation = new PgRelation(1, "ddl_qualified", "accounts", ["account_id", "email", "avatar"]);
        var row = new PgRow(relation, [PgColumnKind.Text, PgColumnKind.Text, PgColumnKind.UnchangedToast], ["7"u8.ToArray(), "new@x"u8.ToArray(), default]);

        var error = Assert.Throws<PgRowException>(() => Account.FromRow(row));
        Assert.Equal("avatar", error.Column);
        Assert.Contains("unchanged TOAST", error.Message, StringComparison.Ordinal);
        Assert.Throws<PgRowException>(() => Account.FromRow(row, ToastPolicy.UsePrevious, null));

        var previous = new Account { AccountId = 7, Email = "old@x", Avatar = new byte[] { 1, 2, 3 } };
        var account = Account.FromRow(row, ToastPolicy.UsePrevious, previous);
        Assert.Equal("new@x", account.Email);
        Assert.Equal(new byte[] { 1, 2, 3 }, account.Avatar.ToArray());
    }

    internal static void AssertSameItem(Item expected, Item actual)
    {
        Assert.Equal(expected.CreatedAt.UtcDateTime, actual.CreatedAt.UtcDateTime);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.UpdatedAt?.Kind, actual.UpdatedAt?.Kind);
        Assert.Equal(expected.Blob, actual.Blob);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Counts, actual.Counts);
        Assert.Equal(expected.Refs, actual.Refs);
        Assert.Equal(expected.Holidays, actual.Holidays);
        Assert.Equal(expected with { Blob = actual.Blob, Tags = actual.Tags, Counts = actual.Counts, Refs = actual.Refs, Holidays = actual.Holidays }, actual);
    }
}
