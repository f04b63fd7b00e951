namespace OutboxSdk.Retention;

/// <summary>Reads the partitions of <c>messages</c> and their ranges from the catalog.</summary>
internal static class PartitionCatalog
{
    // pg_get_expr renders a range bound as FROM ('2026-11-21 00:00:00+00') TO (...); the literal carries its UTC
    // offset, so casting it back to timestamptz is exact whatever the session's TimeZone. MINVALUE/MAXVALUE bounds
    // (not created by the SDK) do not match and read as null, which retention treats as "never drop".
    private const string Sql = """
        SELECT c.relname::text,
               (regexp_match(b.bound, 'FROM \(''([^'']*)''\)'))[1]::timestamptz,
               (regexp_match(b.bound, 'TO \(''([^'']*)''\)'))[1]::timestamptz,
               b.bound = 'DEFAULT',
               CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
        WHERE i.inhparent = to_regclass($1)
        ORDER BY 2 NULLS FIRST, 1
        """;

    /// <summary>The schema-qualified, quoted name of the messages table.</summary>
    public static string MessagesTable(string schema) => OutboxSchema.QuoteIdentifier(schema) + ".\"messages\"";

    /// <summary>Whether the schema has an outbox <c>messages</c> table.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = MessagesTable(schema) } } };
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    public static async Task<List<OutboxPartition>> ReadAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var partitions = new List<OutboxPartition>();
        var command = new NpgsqlCommand(Sql, connection) { Parameters = { new() { Value = MessagesTable(schema) } } };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    partitions.Add(new OutboxPartition(
                        reader.GetString(0),
                        reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                        reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                        !reader.IsDBNull(3) && reader.GetBoolean(3),
                        reader.IsDBNull(4) ? null : reader.GetInt64(4)));
                }
            }
        }

        return partitions;
    }
}
