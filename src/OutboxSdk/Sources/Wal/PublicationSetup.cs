using OutboxSdk.Delivery;
using OutboxSdk.Operations;
using OutboxSdk.Migrations;
using OutboxSdk.Internal;

namespace OutboxSdk.Sources.Wal;

/// <summary>The publication over the outbox table and the change-feed tables: created, or altered to match.</summary>
internal static class PublicationSetup
{
    private const string Publish = "insert, update, delete, truncate";

    public static async Task EnsureAsync(NpgsqlConnection connection, string publication, List<(string Schema, string Table)> tables, ILogger logger, CancellationToken cancellationToken)
    {
        var quoted = OutboxSchema.QuoteIdentifier(publication);
        var command = new NpgsqlCommand("""
            SELECT p.pubviaroot AND p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate,
                   ARRAY(SELECT n.nspname FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.prpubid = p.oid ORDER BY r.oid),
                   ARRAY(SELECT c.relname FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid WHERE r.prpubid = p.oid ORDER BY r.oid),
                   p.puballtables
            FROM pg_publication p WHERE p.pubname = $1
            """, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = publication } } };
        bool? settingsRight = null;
        var allTables = false;
        var existing = new HashSet<(string, string)>();
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    settingsRight = reader.GetBoolean(0);
                    var schemas = reader.GetFieldValue<string[]>(1);
                    var names = reader.GetFieldValue<string[]>(2);
                    for (var i = 0; i < schemas.Length; i++)
                    {
                        existing.Add((schemas[i], names[i]));
                    }

                    allTables = reader.GetBoolean(3);
                }
            }
        }

        if (settingsRight is null)
        {
            var list = string.Join(", ", tables.Select(Qualified));
            await PgCommand.ExecuteAsync(connection, $"CREATE PUBLICATION {quoted} FOR TABLE {list} WITH (publish = '{Publish}', publish_via_partition_root = true)", cancellationToken).ConfigureAwait(false);
            WalLog.PublicationCreated(logger, publication, list);
            return;
        }

        List<(string Schema, string Table)> missing = allTables ? [] : [.. tables.Where(t => !existing.Contains(t))];
        if (missing.Count > 0)
        {
            var list = string.Join(", ", missing.Select(Qualified));
            await PgCommand.ExecuteAsync(connection, $"ALTER PUBLICATION {quoted} ADD TABLE {list}", cancellationToken).ConfigureAwait(false);
            WalLog.PublicationAltered(logger, publication, "added " + list);
        }

        if (settingsRight == false)
        {
            await PgCommand.ExecuteAsync(connection, $"ALTER PUBLICATION {quoted} SET (publish = '{Publish}', publish_via_partition_root = true)", cancellationToken).ConfigureAwait(false);
            WalLog.PublicationAltered(logger, publication, $"publish = '{Publish}', publish_via_partition_root = true");
        }
    }

    private static string Qualified((string Schema, string Table) table) => OutboxSchema.QuoteIdentifier(table.Schema) + "." + OutboxSchema.QuoteIdentifier(table.Table);
}
