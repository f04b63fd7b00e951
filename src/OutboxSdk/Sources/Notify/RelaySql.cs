using OutboxSdk.Migrations;

namespace OutboxSdk.Sources.Notify;

/// <summary>The relay's SQL for one outbox schema (docs/relay.md explains the queue table).</summary>
internal sealed class RelaySql
{
    /// <summary>A transaction-local setting under which the enqueue trigger ignores inserts (retention's partition moves).</summary>
    public const string SkipEnqueueSetting = RelayQueueMigration.SkipEnqueueSetting;

    public RelaySql(string schema, string channel)
    {
        Schema = schema;
        Channel = channel;
        var s = OutboxSchema.QuoteIdentifier(schema);
        var pending = s + ".\"pending\"";
        var messages = s + ".\"messages\"";
        var inbox = s + ".\"inbox\"";

        // A session lock per schema: one active relay per outbox. hashtextextended gives the bigint key.
        LeaderLockKey = "outbox relay " + schema;
        SetupLockKey = "outbox relay setup " + schema; // the lock under which a relay installs its channel

        // The queue table and its trigger are migration 2's (RelayQueueMigration); the relay only makes the trigger
        // notify its own channel when that is not the default.
        EnqueueFunction = RelayQueueMigration.EnqueueFunctionSql(schema, channel);
        EnqueueFunctionBody = RelayQueueMigration.EnqueueFunctionBody(schema, channel);
        EnqueueFunctionSignature = s + ".\"relay_enqueue\"()";
        Setup = RelayQueueMigration.Sql(schema) + "\n" + EnqueueFunction;

        // Due rows in id order, except those already in flight ($2) and those queued behind an earlier row of their
        // key that waits for a retry: a failing message blocks its own key only. Only the traceparent header is
        // read, so the hot path parses no JSON. The queue rows are picked first and their messages then fetched by
        // primary key: a plain join (even a LATERAL one, which it flattens; LIMIT 1 stops that) let the planner hash, so
        // scan, the whole messages partition on every claim.
        Claim = $$"""
            WITH due AS MATERIALIZED (
                SELECT p."id", p."created_at", p."attempts"
                FROM {{pending}} p
                WHERE (p."next_attempt_at" IS NULL OR p."next_attempt_at" <= now())
                  AND p."id" <> ALL($2)
                  AND NOT EXISTS (SELECT 1 FROM {{pending}} b
                                  WHERE b."partition_key" = p."partition_key" AND b."id" < p."id" AND b."next_attempt_at" > now())
                ORDER BY p."id"
                LIMIT $1)
            SELECT d."id", d."created_at", d."attempts", m."id" IS NOT NULL, m."message_id", m."subject", m."partition_key",
                   m."schema_fingerprint", m."payload", m."headers" ->> {{OutboxSchema.QuoteLiteral(OutboxSdk.Observability.OutboxTelemetry.TraceParentHeader)}}
            FROM due d
            LEFT JOIN LATERAL (SELECT * FROM {{messages}} x WHERE x."id" = d."id" AND x."created_at" = d."created_at" LIMIT 1) m ON true
            ORDER BY d."id"
            """;

        // The locked ids are an array (an InitPlan), not an IN (subquery): under the generic plan the dequeue runs with
        // (MessageDelivery), IN let the planner hash-join a sequential scan of the whole queue when the statistics it
        // was planned with said the queue was small, which a backlog then paid for on every dequeue; an array of ids
        // always probes the primary key.
        // The delivery's fence, dequeue, message fetch and inbox lookup in one statement: the rows of a group are
        // deleted inside the delivery's transaction, so they stay locked until it commits (and come back if it rolls
        // back); rows another delivery holds are skipped and simply not returned. So is a row with an earlier pending
        // row of its key outside this group ($1): a notified row may reach its key's queue ahead of such a row, and is
        // then left to the claim, which orders it behind.
        LockRun = $$"""
            WITH locked AS (
                DELETE FROM {{pending}} p
                WHERE p."id" = ANY (ARRAY(SELECT "id" FROM {{pending}} WHERE "id" = ANY($1) FOR UPDATE SKIP LOCKED))
                  AND NOT EXISTS (SELECT 1 FROM {{pending}} b
                                  WHERE b."partition_key" = p."partition_key" AND b."id" < p."id" AND b."id" <> ALL($1))
                RETURNING p."id", p."created_at", p."partition_key", p."attempts", p."next_attempt_at", p."last_error")
            SELECT l."id", l."created_at", l."partition_key", l."attempts", l."next_attempt_at", l."last_error",
                   m."id" IS NOT NULL, m."message_id", m."subject", m."partition_key", m."schema_fingerprint", m."payload",
                   m."headers" ->> {{OutboxSchema.QuoteLiteral(OutboxSdk.Observability.OutboxTelemetry.TraceParentHeader)}},
                   ARRAY(SELECT i."handler" FROM {{inbox}} i WHERE i."message_id" = m."message_id")
            FROM locked l
            LEFT JOIN LATERAL (SELECT * FROM {{messages}} x WHERE x."id" = l."id" AND x."created_at" = l."created_at" LIMIT 1) m ON true
            """;

        // Puts back rows a transaction dequeued but will not deliver (it commits early for an exactly-once handler).
        Requeue = $"""
            INSERT INTO {pending} ("id", "created_at", "partition_key", "attempts", "next_attempt_at", "last_error")
            SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::integer[], $5::timestamptz[], $6::text[])
            """;

        CompleteMany = $"""DELETE FROM {pending} WHERE "id" = ANY($1)""";

        ScheduleRetry = $"""
            UPDATE {pending} SET "attempts" = $2, "next_attempt_at" = now() + $3, "last_error" = $4 WHERE "id" = $1
            """;
    }

    public string Schema { get; }

    /// <summary>The channel the relay listens on.</summary>
    public string Channel { get; }

    public string LeaderLockKey { get; }

    public string SetupLockKey { get; }

    /// <summary>The queue as migration 2 makes it, notifying this relay's channel: for tests that build tables without the migrator.</summary>
    public string Setup { get; }

    public string EnqueueFunction { get; }

    public string EnqueueFunctionBody { get; }

    public string EnqueueFunctionSignature { get; }

    public string Claim { get; }

    public string LockRun { get; }

    public string Requeue { get; }

    public string CompleteMany { get; }

    public string ScheduleRetry { get; }
}
