namespace OutboxSdk.Sources.Wal;

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
        // While a snapshot is delivered (snapshot_completed_at null) commit_time keeps the lower bound of a lost
        // slot's gap (GapMessages), so a snapshot interrupted and taken again replays the same gap.
        AdvancePosition = $"""
            UPDATE {positions} SET "commit_lsn" = $2, "ordinal" = $3,
                "commit_time" = CASE WHEN "snapshot_completed_at" IS NULL THEN "commit_time" ELSE $4 END, "updated_at" = now()
            WHERE "slot" = $1 AND ("commit_lsn", "ordinal") < ($2::pg_lsn, $3::integer)
            """;

        // A new slot starts a new stream: positions of a lost slot's stream mean nothing for it. $3 is the commit time
        // up to which the lost slot's stream was processed when the new slot must replay the gap, else null.
        ResetPosition = $"""
            INSERT INTO {positions} ("slot", "commit_lsn", "ordinal", "snapshot_completed_at", "commit_time") VALUES ($1, '0/0', -1, $2, $3)
            ON CONFLICT ("slot") DO UPDATE SET "commit_lsn" = '0/0', "ordinal" = -1, "commit_time" = $3, "snapshot_completed_at" = $2, "updated_at" = now()
            """;

        // Where a lost slot's stream got to: its last processed commit time (or when its snapshot was taken), else when
        // its position was reset (the slot's creation); and whether its snapshot (hence a gap replay) completed.
        GapBound = $"""SELECT COALESCE("commit_time", "updated_at"), "snapshot_completed_at" IS NOT NULL, "commit_time" IS NOT NULL FROM {positions} WHERE "slot" = $1""";
        GapMessages = GapMessagesSql(s, byCommitTimestamp: false);
        GapMessagesByCommitTimestamp = GapMessagesSql(s, byCommitTimestamp: true);
        QueuedMessages = OutboxRowsSql(s, $"""{s}."pending" q JOIN {s}."messages" m ON m."id" = q."id" AND m."created_at" = q."created_at" """, "true", "NULL::timestamptz");
        DequeueDelivered = $"""DELETE FROM {s}."pending" WHERE "id" = ANY($1)""";
        ClearQueue = $"""DELETE FROM {s}."pending" """;

        // $2 is when the snapshot was taken: the new stream holds what committed after it, so that is where a gap of
        // this slot would start (and where the backlog probe counts from) until the stream processes a commit.
        CompleteSnapshot = $"""UPDATE {positions} SET "snapshot_completed_at" = now(), "commit_time" = $2, "updated_at" = now() WHERE "slot" = $1""";

        Backlog = $"""
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(m."created_at")), 0)::float8
            FROM {MessagesTable} m
            WHERE m."created_at" > COALESCE((SELECT p."commit_time" FROM {positions} p WHERE p."slot" = $1), '-infinity'::timestamptz)
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

    /// <summary>($1 the slot) the gap's lower bound, whether the snapshot completed, whether a commit time is recorded.</summary>
    public string GapBound { get; }

    /// <summary>The outbox rows of a lost slot's gap, see <see cref="GapMessagesSql"/>.</summary>
    public string GapMessages { get; }

    /// <summary>As <see cref="GapMessages"/>, narrowed by the rows' commit timestamps (track_commit_timestamp on).</summary>
    public string GapMessagesByCommitTimestamp { get; }

    /// <summary>
    /// The messages the Notify relay's queue holds when the slot is first created (published before it, by a
    /// publisher-only process or a Notify relay that did not finish), as <see cref="GapMessages"/> has them, in id order.
    /// </summary>
    public string QueuedMessages { get; }

    /// <summary>($1 bigint[]) removes delivered messages from the Notify relay's queue.</summary>
    public string DequeueDelivered { get; }

    /// <summary>Empties the Notify relay's queue (after a new slot's snapshot delivered it and the trigger is off).</summary>
    public string ClearQueue { get; }

    /// <summary>Rows written after the last processed commit, and the oldest one's age ($1 the slot).</summary>
    public string Backlog { get; }


    /// <summary>
    /// The <c>messages</c> rows a lost slot may not have delivered, read in the new slot's exported snapshot (so the
    /// new stream starts right after them): created at or after $1 (the last processed commit time minus
    /// ReplicationOptions.GapReplayMargin: created_at is its transaction's start, so a transaction that committed
    /// after that commit but began before it is caught if it began within the margin), and, when the server tracks
    /// commit timestamps, committed at or after $2 (that commit time), excluding messages already
    /// dead-lettered, with the handlers the inbox says already ran.
    /// </summary>
    private static string GapMessagesSql(string s, bool byCommitTimestamp)
    {
        // A row without a commit timestamp (written before tracking began, or frozen) is kept: better twice than never.
        // With timestamps, rows go in commit order as the stream would have sent them; without, in id (insert) order.
        var commitTime = byCommitTimestamp ? """pg_xact_commit_timestamp(m."xmin")""" : "NULL::timestamptz";
        var committed = byCommitTimestamp ? """AND COALESCE(pg_xact_commit_timestamp(m."xmin") >= $2, true)""" : "";
        return OutboxRowsSql(s, $"""{s}."messages" m""", $"""m."created_at" >= $1 {committed}""", commitTime);
    }

    /// <summary>
    /// Outbox rows <c>m</c> of <paramref name="from"/> that match <paramref name="where"/>, not dead-lettered, with the
    /// handlers the inbox says already ran, in <paramref name="commitTime"/> order then id order.
    /// </summary>
    private static string OutboxRowsSql(string s, string from, string where, string commitTime)
    {
        return $$"""
            WITH "gap" AS (
                SELECT m."id", m."message_id", m."subject", m."partition_key", m."schema_fingerprint", m."payload", m."headers"::text AS "headers", m."created_at",
                       {{commitTime}} AS "committed_at"
                FROM {{from}}
                WHERE {{where}}
                  AND NOT EXISTS (SELECT 1 FROM {{s}}."dead_letters" d WHERE d."message_id" = m."message_id")
            ),
            "done" AS (
                SELECT i."message_id", array_agg(i."handler") AS "handlers"
                FROM {{s}}."inbox" i WHERE i."message_id" IN (SELECT "message_id" FROM "gap")
                GROUP BY i."message_id"
            )
            SELECT g."id", g."message_id", g."subject", g."partition_key", g."schema_fingerprint", g."payload", g."headers", g."created_at", COALESCE(d."handlers", '{}')
            FROM "gap" g LEFT JOIN "done" d ON d."message_id" = g."message_id"
            ORDER BY g."committed_at" NULLS FIRST, g."id"
            """;
    }

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
