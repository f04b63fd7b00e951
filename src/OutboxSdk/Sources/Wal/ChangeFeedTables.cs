using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Checks, before the publication is touched, that every <c>[ChangeFeed]</c> entity's schema and table exist, so that a
/// missing one is reported naming the entity and the fix, not as Postgres' bare <c>3F000: schema "shop" does not
/// exist</c> from ALTER PUBLICATION. The migrator creates the outbox's own tables only; an entity's table is the
/// application's (its generated <c>CreateTableSql</c>, docs/ddl.md).
/// </summary>
internal static class ChangeFeedTables
{
    public static async Task RequireAsync(NpgsqlConnection connection, ChangeFeedRouter router, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var table in router.Tables)
        {
            var command = new NpgsqlCommand("""
                SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1),
                       EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p'))
                """, connection)
            {
                Parameters = { new NpgsqlParameter<string> { TypedValue = table.Schema }, new NpgsqlParameter<string> { TypedValue = table.Table } },
            };
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var (schemaExists, tableExists) = (reader.GetBoolean(0), reader.GetBoolean(1));
                    if (!tableExists)
                    {
                        missing.Add(Describe(router.EntityOf(table), table, schemaExists, connection.Database));
                    }
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The change feed cannot start: " + string.Join("; ", missing) + ". Create what is missing as the tables' owner "
                + "(CREATE SCHEMA, then the entity's generated CreateTableSql; the outbox's migrations create only the outbox's own tables), "
                + "or leave the entity out of this process with OutboxOptions.ChangeFeed.ExcludedEntities (docs/change-feed.md).");
        }
    }

    private static string Describe(Type? entity, (string Schema, string Table) table, bool schemaExists, string database)
    {
        var name = OutboxSchema.QuoteIdentifier(table.Schema) + "." + OutboxSchema.QuoteIdentifier(table.Table);
        var what = schemaExists
            ? $"its table {name} does not exist in database '{database}'"
            : $"its schema {OutboxSchema.QuoteIdentifier(table.Schema)} does not exist in database '{database}' (so neither does {name})";
        return $"[ChangeFeed] entity {entity?.FullName ?? "?"}: {what}";
    }
}
