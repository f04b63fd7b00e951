namespace OutboxSdk.Migrations;

/// <summary>
/// Migration 2: the Notify relay's queue table <c>pending</c> and the <c>AFTER INSERT</c> trigger on <c>messages</c>
/// that fills it and notifies the relay, in the writer's own transaction (docs/relay.md). Until this migration the
/// relay created them itself at start; a database where it did keeps its queue as it is (the rows in it are exactly
/// the undelivered messages), and one where it never ran is backfilled with every message written so far. Released
/// SQL: never edit it, append a migration instead.
/// </summary>
internal static class RelayQueueMigration
{
    public const int Version = 2;

    public const string Description = "relay queue: pending table, enqueue trigger that notifies the relay";

    /// <summary>The transaction-local setting under which the trigger ignores inserts (retention's partition moves).</summary>
    public const string SkipEnqueueSetting = "outbox.skip_enqueue";

    /// <summary>pg_notify rejects channel names of 64 bytes and more (NAMEDATALEN).</summary>
    private const int MaxChannelBytes = 63;

    /// <summary>The channel the migration's trigger notifies: <c>OutboxOptions.EffectiveNotifyChannel</c>'s default.</summary>
    public static string DefaultChannel(string schema) => "outbox_" + schema;

    public static string Sql(string schema)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        var pending = s + ".\"pending\"";
        var messages = s + ".\"messages\"";

        // The messages lock comes first: CREATE TRIGGER needs it anyway, and taking it after touching pending would
        // deadlock with a writer that holds messages and whose trigger waits for pending. It waits for writers in
        // flight and holds new ones until the migration commits, so the backfill and the trigger together queue
        // every committed message exactly once.
        return $$"""
            LOCK TABLE {{messages}} IN SHARE ROW EXCLUSIVE MODE;
            CREATE TABLE IF NOT EXISTS {{pending}} (
                "id" bigint PRIMARY KEY,
                "created_at" timestamptz NOT NULL,
                "partition_key" text,
                "attempts" integer NOT NULL DEFAULT 0,
                "next_attempt_at" timestamptz,
                "last_error" text
            );
            CREATE INDEX IF NOT EXISTS "pending_partition_key" ON {{pending}} ("partition_key", "id");
            INSERT INTO {{pending}} ("id", "created_at", "partition_key")
            SELECT "id", "created_at", "partition_key" FROM {{messages}}
            WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE "tgrelid" = {{OutboxSchema.QuoteLiteral(messages)}}::regclass AND "tgname" = 'relay_enqueue')
            ON CONFLICT DO NOTHING;
            {{EnqueueFunctionSql(schema, DefaultChannel(schema))}}
            CREATE OR REPLACE TRIGGER "relay_enqueue" AFTER INSERT ON {{messages}} FOR EACH ROW EXECUTE FUNCTION {{s}}."relay_enqueue"();
            """;
    }

    /// <summary>The trigger function, notifying <paramref name="channel"/>; the relay installs it again when its channel differs.</summary>
    public static string EnqueueFunctionSql(string schema, string channel) =>
        $"CREATE OR REPLACE FUNCTION {OutboxSchema.QuoteIdentifier(schema)}.\"relay_enqueue\"() RETURNS trigger LANGUAGE plpgsql AS $relay${EnqueueFunctionBody(schema, channel)}$relay$;";

    /// <summary>The function's body, as <c>pg_proc.prosrc</c> holds it.</summary>
    public static string EnqueueFunctionBody(string schema, string channel)
    {
        var pending = OutboxSchema.QuoteIdentifier(schema) + ".\"pending\"";

        // The payload names the row and its key, so the relay can hand it to the key's worker without a claim. Each
        // row's notification differs, so none are folded; a key too long for a payload (< 8000 bytes) sends '?',
        // which only wakes the claim. A channel pg_notify would reject (only a default channel can be: the options
        // validator rejects such a configured one) notifies nothing; the relay installs its own channel at start.
        var notify = Encoding.UTF8.GetByteCount(channel) > MaxChannelBytes
            ? "    -- the default channel is too long for pg_notify: the relay installs its configured channel\n"
            : $"""
                    IF NEW."partition_key" IS NULL THEN
                        PERFORM pg_notify({OutboxSchema.QuoteLiteral(channel)}, NEW."id"::text);
                    ELSIF octet_length(NEW."partition_key") < 7000 THEN
                        PERFORM pg_notify({OutboxSchema.QuoteLiteral(channel)}, NEW."id"::text || ':' || NEW."partition_key");
                    ELSE
                        PERFORM pg_notify({OutboxSchema.QuoteLiteral(channel)}, '?');
                    END IF;

                """;
        return $"""

            BEGIN
                -- Rows that only change partition (retention moving them out of the default) are not new messages.
                IF current_setting('{SkipEnqueueSetting}', true) = 'on' THEN
                    RETURN NULL;
                END IF;
                INSERT INTO {pending} ("id", "created_at", "partition_key") VALUES (NEW."id", NEW."created_at", NEW."partition_key");
            {notify}    RETURN NULL;
            END

            """;
    }
}
