using System.Text;
using OutboxSdk.Relay;

namespace OutboxSdk.Schema;

/// <summary>
/// The SQL that sets up least-privileged roles for an outbox schema (docs/security.md): the relay's queue, created
/// by the owner as the relay itself would, and the GRANTs of a publisher role (publishes, nothing else) and a relay
/// role (delivers). Printed by <c>outbox script --roles</c>; to be run by the owner of the outbox tables after the
/// migrations. Idempotent; every identifier is quoted.
/// </summary>
public static class OutboxRoles
{
    /// <summary>The default name of the role that can only publish.</summary>
    public const string DefaultPublisher = "outbox_publisher";

    /// <summary>The default name of the role that runs the relay.</summary>
    public const string DefaultRelay = "outbox_relay";

    /// <summary>
    /// The script for <paramref name="schema"/>: the Notify relay's queue table and trigger (notifying
    /// <paramref name="channel"/>, default <c>outbox_&lt;schema&gt;</c>), then the GRANTs. The roles must exist
    /// (<c>CREATE ROLE ... LOGIN PASSWORD ...</c>, left to the DBA because it holds a secret).
    /// </summary>
    public static string Script(string schema = OutboxSchema.DefaultSchema, string? channel = null, string publisher = DefaultPublisher, string relay = DefaultRelay)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        var p = OutboxSchema.QuoteIdentifier(publisher);
        var r = OutboxSchema.QuoteIdentifier(relay);
        var sql = new RelaySql(schema, channel ?? "outbox_" + schema);
        var pending = sql.PendingRegclass.Replace("'", "''", StringComparison.Ordinal);
        var text = new StringBuilder();
        text.Append($"""
            -- OutboxSdk roles for schema {s} (docs/security.md). Run as the owner of the outbox tables, after the
            -- migrations ('outbox migrate' or the SQL of 'outbox script'). Idempotent.
            BEGIN;

            -- The Notify relay's queue table and trigger, exactly as the relay creates them at startup: a relay that
            -- does not own the tables finds them here and changes nothing. Rows already written are queued once.
            DO $outbox_relay_setup$
            DECLARE
                created boolean := to_regclass('{pending}') IS NULL;
            BEGIN
            {sql.Setup.TrimEnd()}
            IF created THEN
            {sql.Backfill.TrimEnd()};
            END IF;
            END
            $outbox_relay_setup$;

            -- The application's role: publishes (INSERT into messages, whose trigger queues the row) and registers
            -- its message schemas at startup. It cannot read, change or delete messages, nor touch anything else.
            GRANT USAGE ON SCHEMA {s} TO {p};
            GRANT INSERT ON {s}."messages" TO {p};
            GRANT INSERT ON {s}."pending" TO {p};
            GRANT SELECT ON {s}."migrations" TO {p};
            GRANT SELECT, INSERT ON {s}."schemas" TO {p};

            -- The relay's role: reads messages, works the queue, records handled messages (inbox) and dead letters;
            -- INSERT on messages is for replaying dead letters, SELECT on checkpoints for 'outbox status'. Handlers that write to your own tables through
            -- IOutboxContext need their own grants on those tables.
            GRANT USAGE ON SCHEMA {s} TO {r};
            GRANT SELECT, INSERT ON {s}."messages" TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON {s}."pending" TO {r};
            GRANT SELECT ON {s}."migrations" TO {r};
            GRANT SELECT, INSERT ON {s}."schemas" TO {r};
            GRANT SELECT, INSERT ON {s}."inbox" TO {r};
            GRANT SELECT, INSERT, DELETE ON {s}."dead_letters" TO {r};
            GRANT SELECT ON {s}."checkpoints" TO {r};

            COMMIT;

            """);
        return text.ToString();
    }
}
