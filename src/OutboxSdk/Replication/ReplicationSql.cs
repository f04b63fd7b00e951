using OutboxSdk.Schema;

namespace OutboxSdk.Replication;

/// <summary>The Replication relay's SQL for one outbox schema; identifiers quoted, values always parameters.</summary>
internal sealed class ReplicationSql
{
    public ReplicationSql(string schema)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        var positions = s + ".\"replication_positions\"";
        PositionsTable = positions;
        MessagesTable = s + ".\"messages\"";
        SetupLockKey = "outbox replication setup " + schema;

        ReadPosition = $"""SELECT "commit_lsn", "ordinal", "snapshot_completed_at" IS NOT NULL FROM {positions} WHERE "slot" = $1""";

        // The fence between two consumers of one slot (a dying one still committing while its successor replays):
        // the position only moves forward, so whichever commits second updates no row and rolls back its effects.
        AdvancePosition = $"""
            UPDATE {positions} SET "commit_lsn" = $2, "ordinal" = $3, "commit_time" = $4, "updated_at" = now()
            WHERE "slot" = $1 AND ("commit_lsn", "ordinal") < ($2::pg_lsn, $3::integer)
            """;

        // A new slot starts a new stream: positions of a lost slot's stream mean nothing for it.
        ResetPosition = $"""
            INSERT INTO {positions} ("slot", "commit_lsn", "ordinal", "snapshot_completed_at") VALUES ($1, '0/0', -1, $2)
            ON CONFLICT ("slot") DO UPDATE SET "commit_lsn" = '0/0', "ordinal" = -1, "commit_time" = NULL, "snapshot_completed_at" = $2, "updated_at" = now()
            """;

        CompleteSnapshot = $"""UPDATE {positions} SET "snapshot_completed_at" = now(), "updated_at" = now() WHERE "slot" = $1""";

        Backlog = $"""
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(m."created_at")), 0)::float8
            FROM {MessagesTable} m
            WHERE m."created_at" > COALESCE((SELECT p."commit_time" FROM {positions} p WHERE p."slot" = $1), '-infinity'::timestamptz)
            """;

        InsertInbox = $"""INSERT INTO {s}."inbox" ("handler", "message_id") VALUES ($1, $2) ON CONFLICT DO NOTHING""";

        // Replication has the whole message in hand (a table-less one has no row), so the dead letter is written
        // from it, not copied from the table.
        DeadLetter = $"""
            INSERT INTO {s}."dead_letters" ("message_id", "source", "subject", "partition_key", "schema_fingerprint",
                                            "payload", "headers", "handler", "attempts", "error", "created_at")
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
            """;
    }

    /// <summary>The advisory lock (hashed with hashtextextended) that serialises publication and slot setup.</summary>
    public string SetupLockKey { get; }

    public string MessagesTable { get; }

    public string PositionsTable { get; }

    public string ReadPosition { get; }

    public string AdvancePosition { get; }

    public string ResetPosition { get; }

    public string CompleteSnapshot { get; }

    /// <summary>Rows written after the last processed commit, and the oldest one's age ($1 the slot).</summary>
    public string Backlog { get; }

    public string InsertInbox { get; }

    public string DeadLetter { get; }

    /// <summary>
    /// Migration 3: one row per slot with the last processed (commit LSN, ordinal), that transaction's commit time and
    /// the snapshot's completion; and a BRIN index on messages.created_at for the backlog probe.
    /// </summary>
    public static string PositionsTableSql(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {OutboxSchema.QuoteIdentifier(schema)}."replication_positions" (
            "slot" text PRIMARY KEY,
            "commit_lsn" pg_lsn NOT NULL DEFAULT '0/0',
            "ordinal" integer NOT NULL DEFAULT -1,
            "snapshot_completed_at" timestamptz,
            "commit_time" timestamptz,
            "updated_at" timestamptz NOT NULL DEFAULT now()
        );

        -- The Replication relay's backlog is the rows written after its last processed commit: a BRIN index makes
        -- that range cheap on an append-only time column (a few pages per partition).
        CREATE INDEX IF NOT EXISTS "messages_created_at_brin" ON {OutboxSchema.QuoteIdentifier(schema)}."messages" USING brin ("created_at");

        """;
}
