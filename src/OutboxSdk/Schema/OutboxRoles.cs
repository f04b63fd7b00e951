using OutboxSdk.Migrations;

namespace OutboxSdk.Schema;

/// <summary>
/// The SQL that sets up least-privileged roles for an outbox schema (docs/security.md): for a custom notify channel
/// the enqueue trigger's function, installed by the owner as the relay itself would, and the GRANTs of a publisher role (publishes, nothing else) and a relay
/// role (delivers). Printed by <c>outbox script --roles</c>; to be run by the owner of the outbox tables after the
/// migrations. Idempotent; every identifier is quoted. Replication mode needs <see cref="OutboxReplicationRoles"/> as well.
/// </summary>
internal static class OutboxRoles
{
    /// <summary>The default name of the role that can only publish.</summary>
    public const string DefaultPublisher = "outbox_publisher";

    /// <summary>The default name of the role that runs the relay.</summary>
    public const string DefaultRelay = "outbox_relay";

    /// <summary>
    /// The script for <paramref name="schema"/>: when <paramref name="channel"/> is not the default
    /// <c>outbox_&lt;schema&gt;</c>, the enqueue trigger's function made to notify it; then the GRANTs. The roles must exist
    /// (<c>CREATE ROLE ... LOGIN PASSWORD ...</c>, left to the DBA because it holds a secret).
    /// </summary>
    public static string Script(string schema = OutboxSchema.DefaultSchema, string? channel = null, string publisher = DefaultPublisher, string relay = DefaultRelay)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        var p = OutboxSchema.QuoteIdentifier(publisher);
        var r = OutboxSchema.QuoteIdentifier(relay);
        var text = new StringBuilder();
        text.Append($"""
            -- OutboxSdk roles for schema {s} (docs/security.md). Run as the owner of the outbox tables, after the
            -- migrations ('outbox migrate' or the SQL of 'outbox script'). Idempotent.
            BEGIN;

            {ChannelSql(schema, channel)}
            -- The application's role: publishes (INSERT into messages, whose trigger queues the row) and registers
            -- its message schemas at startup. It cannot read, change or delete messages, nor touch anything else.
            GRANT USAGE ON SCHEMA {s} TO {p};
            GRANT INSERT ON {s}."messages" TO {p};
            GRANT INSERT ON {s}."pending" TO {p};
            GRANT SELECT ON {s}."migrations" TO {p};
            GRANT SELECT, INSERT ON {s}."schemas" TO {p};

            -- The relay's role: reads messages, works the queue, records handled messages (inbox) and dead letters;
            -- INSERT on messages is for replaying dead letters. Handlers that write to your own tables through
            -- IOutboxContext need their own grants on those tables.
            GRANT USAGE ON SCHEMA {s} TO {r};
            GRANT SELECT, INSERT ON {s}."messages" TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON {s}."pending" TO {r};
            GRANT SELECT ON {s}."migrations" TO {r};
            GRANT SELECT, INSERT ON {s}."schemas" TO {r};
            GRANT SELECT, INSERT ON {s}."inbox" TO {r};
            GRANT SELECT, INSERT, DELETE ON {s}."dead_letters" TO {r};
            -- The Replication relay's processed position per slot (and 'outbox status'); that mode's relay role also
            -- needs the REPLICATION attribute (docs/replication.md).
            GRANT SELECT, INSERT, UPDATE ON {s}."replication_positions" TO {r};

            COMMIT;

            """);
        return text.ToString();
    }

    // The queue table and trigger are migration 2; only a custom channel changes the trigger's function, which a
    // relay role that does not own it could not do at startup.
    private static string ChannelSql(string schema, string? channel) =>
        channel is null || channel == RelayQueueMigration.DefaultChannel(schema)
            ? "-- The relay's queue table and trigger come with the migrations (version 2); the default channel needs nothing more."
            : "-- The enqueue trigger notifies the custom channel the relay listens on.\n" + RelayQueueMigration.EnqueueFunctionSql(schema, channel).TrimEnd();
}
