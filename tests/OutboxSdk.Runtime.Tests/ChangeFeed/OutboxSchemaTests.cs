using ChangeFeedTests.Shop;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Schema;

namespace OutboxSdk.ChangeFeed.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OutboxSchemaTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Outbox_tables_apply_twice_under_a_custom_quoted_schema_name()
    {
        await using var scope = await fixture.NewSchemaAsync();
        var schema = scope.Schema + "-Outbox \"q\"";
        try
        {
            await scope.ExecuteAsync(OutboxSchema.CreateSql(schema));
            await scope.ExecuteAsync(OutboxSchema.CreateSql(schema));

            var tables = await scope.ScalarAsync<string>($"""
                SELECT string_agg(c.relname || ':' || c.relkind::text, ',' ORDER BY c.relname) FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema.Replace("'", "''")}' AND c.relkind IN ('r', 'p')
                """);
            Assert.Equal("checkpoints:r,dead_letters:r,inbox:r,messages:p,messages_default:r,schemas:r", tables);

            var q = OutboxSchema.QuoteIdentifier(schema);
            await scope.ExecuteAsync($"INSERT INTO {q}.\"messages\" (\"message_id\", \"subject\", \"schema_fingerprint\", \"payload\") VALUES (gen_random_uuid(), 's', 1, '\\x00')");
            Assert.Equal(1L, await scope.ScalarAsync<long>($"SELECT count(*) FROM {q}.\"messages_default\""));
            await scope.ExecuteAsync($"INSERT INTO {q}.\"inbox\" (\"handler\", \"message_id\") VALUES ('h', '00000000-0000-0000-0000-000000000001')");
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
                scope.ExecuteAsync($"INSERT INTO {q}.\"inbox\" (\"handler\", \"message_id\") VALUES ('h', '00000000-0000-0000-0000-000000000001')"));
        }
        finally
        {
            await scope.ExecuteAsync($"DROP SCHEMA IF EXISTS {OutboxSchema.QuoteIdentifier(schema)} CASCADE");
        }
    }

    [Fact]
    public async Task Generated_schema_list_registers_each_message_once_with_version_one()
    {
        // The assembly's list, of this area's messages (the other areas of the assembly have theirs).
        var entry = Assert.Single(OutboxSchemas.All, s => AreaRegistrations.ChangeFeed.Messages.Any(m => m.ClrType == s.MessageType));
        Assert.Equal("shop.item-published", entry.Subject);
        Assert.Equal(AvroSerializer.FingerprintOf<ItemPublished>(), entry.Fingerprint);
        Assert.Equal(AvroSerializer.SchemaOf<ItemPublished>(), entry.SchemaJson);
        Assert.Equal(typeof(ItemPublished), entry.MessageType);

        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync(OutboxSchema.CreateSql(scope.Schema));
        for (var i = 0; i < 2; i++)
        {
            await using var command = scope.DataSource.CreateCommand(OutboxSchema.RegisterSchemaSql(scope.Schema));
            command.Parameters.AddWithValue(entry.Fingerprint);
            command.Parameters.AddWithValue(entry.Subject);
            command.Parameters.AddWithValue(entry.CanonicalForm);
            command.Parameters.AddWithValue(entry.SchemaJson);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal("shop.item-published:1", await scope.ScalarAsync<string>(
            $"SELECT string_agg(subject || ':' || version, ',') FROM \"{scope.Schema}\".\"schemas\" WHERE fingerprint = {entry.Fingerprint}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\0b")]
    [InlineData("this_name_is_exactly_sixty_four_bytes_long_which_postgres_cuts_x")]
    public void Unusable_schema_names_are_rejected(string name) =>
        Assert.Throws<ArgumentException>(() => OutboxSchema.CreateSql(name));
}
