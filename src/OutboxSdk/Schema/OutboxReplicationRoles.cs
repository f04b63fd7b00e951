using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Schema;

/// <summary>
/// The SQL that readies an outbox schema for a Replication relay (<c>RelayMode.Replication</c>) that runs as a
/// least-privileged role (docs/security.md): what the relay would do at startup but only an owner may, done once by
/// the owner. It turns off the Notify relay's enqueue trigger (nothing drains its queue in this mode), creates the
/// publication over <c>messages</c> and the change-feed tables (CREATE PUBLICATION … FOR TABLE and ALTER PUBLICATION …
/// ADD TABLE need the tables' owner), and lets the relay role read the change-feed tables for the initial snapshot.
/// Printed by <c>outbox script --roles --replication</c> after <see cref="OutboxRoles.Script"/>. Idempotent; every
/// name is quoted. The relay role's REPLICATION attribute is not in it: only a superuser may give it.
/// </summary>
internal static class OutboxReplicationRoles
{
    // The same operations and option as the relay's own setup (ReplicationSetup): a publication made here is one the
    // relay finds right and leaves alone.
    private const string Publish = "insert, update, delete, truncate";

    /// <summary>
    /// The script for <paramref name="schema"/>'s outbox, read by <paramref name="relay"/> through
    /// <paramref name="publication"/> (default as <c>OutboxOptions.Replication.PublicationName</c>'s), with the
    /// change-feed tables <paramref name="changeFeedTables"/> (schema and table, as the [ChangeFeed] attributes name them).
    /// </summary>
    public static string Script(string schema = OutboxSchema.DefaultSchema, string relay = OutboxRoles.DefaultRelay, string? publication = null,
        IReadOnlyList<(string Schema, string Table)>? changeFeedTables = null)
    {
        publication ??= ReplicationNames.DefaultPublication(schema);
        if (ReplicationNames.PublicationProblem(publication) is { } problem)
        {
            throw new ArgumentException($"The publication name '{publication}' {problem}.", nameof(publication));
        }

        var s = OutboxSchema.QuoteIdentifier(schema);
        var r = OutboxSchema.QuoteIdentifier(relay);
        var p = OutboxSchema.QuoteIdentifier(publication);
        var messages = s + ".\"messages\"";
        var tables = (changeFeedTables ?? []).Select(t => (t.Schema, Name: OutboxSchema.QuoteIdentifier(t.Schema) + "." + OutboxSchema.QuoteIdentifier(t.Table))).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            -- OutboxSdk Replication mode for schema {s} (docs/security.md, docs/replication.md). Run as the owner of the
            -- outbox tables and of the change-feed tables, after the migrations and the script of 'outbox script --roles'.
            -- The relay role needs the REPLICATION attribute too, which only a superuser can give:
            --   ALTER ROLE {r} REPLICATION;
            BEGIN;

            -- Nothing drains the Notify relay's queue in this mode: its enqueue trigger is turned off, on messages and on
            -- every partition (a relay that does not own the tables cannot).
            {Block($"""
                DECLARE t regclass;
                BEGIN
                  FOR t IN SELECT g.tgrelid::regclass FROM pg_trigger g JOIN pg_partition_tree({OutboxSchema.QuoteLiteral(messages)}::regclass) p ON p.relid = g.tgrelid
                           WHERE g.tgname = 'relay_enqueue' AND g.tgenabled <> 'D' ORDER BY p.level LOOP
                    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER relay_enqueue', t);
                  END LOOP;
                END
                """)}

            -- The publication the relay streams through: messages (published as its partitioned root) and the change-feed tables.
            {Block($"""
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = {OutboxSchema.QuoteLiteral(publication)}) THEN
                    CREATE PUBLICATION {p} FOR TABLE {messages} WITH (publish = '{Publish}', publish_via_partition_root = true);
                  END IF;
                END
                """)}

            """);
        foreach (var (tableSchema, table) in tables)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                {Block($"""
                    BEGIN
                      IF NOT EXISTS (SELECT 1 FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = {OutboxSchema.QuoteLiteral(publication)} AND r.prrelid = {OutboxSchema.QuoteLiteral(table)}::regclass) THEN
                        ALTER PUBLICATION {p} ADD TABLE {table};
                      END IF;
                    END
                    """)}
                -- The initial snapshot reads the table's rows.
                GRANT USAGE ON SCHEMA {OutboxSchema.QuoteIdentifier(tableSchema)} TO {r};
                GRANT SELECT ON {table} TO {r};

                """);
        }

        text.Append("""

            COMMIT;

            """);
        return text.ToString();
    }

    // A DO block whose dollar-quote tag does not occur in its body, so no name can end it early.
    private static string Block(string body)
    {
        var tag = "$outbox$";
        for (var i = 1; body.Contains(tag, StringComparison.Ordinal); i++)
        {
            tag = "$outbox" + i.ToString(CultureInfo.InvariantCulture) + "$";
        }

        return "DO " + tag + "\n" + body + "\n" + tag + ";";
    }
}
