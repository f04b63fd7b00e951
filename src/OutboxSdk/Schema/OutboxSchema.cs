namespace OutboxSdk.Schema;

/// <summary>
/// The SQL of the outbox's own tables (docs/ddl.md): written by hand, not generated, because it does not depend
/// on the application's types and its schema name is run-time configuration. Every statement is idempotent, so
/// applying <see cref="CreateSql"/> twice is harmless; identifiers are always quoted.
/// </summary>
public static class OutboxSchema
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "outbox";

    private const int MaxIdentifierBytes = 63; // NAMEDATALEN - 1: Postgres truncates longer names silently.

    /// <summary>
    /// Creates the schema and its tables: <c>messages</c> (range-partitioned on created_at with a default
    /// partition), <c>schemas</c>, <c>dead_letters</c>, <c>inbox</c> and <c>checkpoints</c>.
    /// </summary>
    /// <param name="schema">The schema name, e.g. <c>outbox</c>; quoted, so any valid identifier works.</param>
    public static string CreateSql(string schema = DefaultSchema)
    {
        var s = QuoteIdentifier(schema);
        var sql = new StringBuilder();
        sql.Append("CREATE SCHEMA IF NOT EXISTS ").Append(s).Append(";\n\n");

        // Insert-only; retention drops time partitions instead of DELETE + VACUUM. A partitioned table's primary
        // key must contain the partition column, hence (id, created_at).
        sql.Append($$"""
            CREATE TABLE IF NOT EXISTS {{s}}."messages" (
                "id" bigint GENERATED ALWAYS AS IDENTITY,
                "message_id" uuid NOT NULL,
                "subject" text NOT NULL,
                "partition_key" text,
                "schema_fingerprint" bigint NOT NULL,
                "payload" bytea NOT NULL,
                "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "created_at" timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY ("id", "created_at")
            ) PARTITION BY RANGE ("created_at");

            CREATE TABLE IF NOT EXISTS {{s}}."messages_default" PARTITION OF {{s}}."messages" DEFAULT;

            CREATE INDEX IF NOT EXISTS "messages_message_id" ON {{s}}."messages" ("message_id");

            CREATE TABLE IF NOT EXISTS {{s}}."schemas" (
                "fingerprint" bigint PRIMARY KEY,
                "subject" text NOT NULL,
                "version" integer NOT NULL,
                "canonical_form" text NOT NULL,
                "schema_json" text NOT NULL,
                "registered_at" timestamptz NOT NULL DEFAULT now(),
                UNIQUE ("subject", "version")
            );

            CREATE TABLE IF NOT EXISTS {{s}}."dead_letters" (
                "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                "message_id" uuid,
                "source" text NOT NULL,
                "subject" text NOT NULL,
                "partition_key" text,
                "schema_fingerprint" bigint,
                "payload" bytea,
                "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "handler" text,
                "attempts" integer NOT NULL,
                "error" text NOT NULL,
                "created_at" timestamptz,
                "failed_at" timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE IF NOT EXISTS {{s}}."inbox" (
                "handler" text NOT NULL,
                "message_id" uuid NOT NULL,
                "processed_at" timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY ("handler", "message_id")
            );

            CREATE TABLE IF NOT EXISTS {{s}}."checkpoints" (
                "name" text PRIMARY KEY,
                "lsn" pg_lsn,
                "message_id" bigint,
                "updated_at" timestamptz NOT NULL DEFAULT now()
            );

            """);
        return sql.ToString();
    }

    /// <summary>
    /// Registers one message schema: parameters $1 fingerprint (bigint), $2 subject, $3 canonical form, $4 full
    /// schema JSON. A new fingerprint gets the subject's next version; a known one is left as it is.
    /// </summary>
    public static string RegisterSchemaSql(string schema = DefaultSchema)
    {
        var table = QuoteIdentifier(schema) + ".\"schemas\"";
        return $"""
            INSERT INTO {table} ("fingerprint", "subject", "version", "canonical_form", "schema_json")
            SELECT $1, $2, COALESCE((SELECT max("version") FROM {table} WHERE "subject" = $2), 0) + 1, $3, $4
            ON CONFLICT ("fingerprint") DO NOTHING
            """;
    }

    /// <summary>
    /// <paramref name="text"/> as an SQL string literal: in single quotes, embedded quotes doubled (with
    /// standard_conforming_strings on, Postgres's default since 9.1, a backslash is an ordinary character).
    /// </summary>
    internal static string QuoteLiteral(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// <paramref name="identifier"/> in double quotes, embedded quotes doubled. Rejects what Postgres would not
    /// keep as written: empty names, NUL characters and names over 63 bytes (which it truncates).
    /// </summary>
    public static string QuoteIdentifier(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Length == 0 || identifier.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(identifier) > MaxIdentifierBytes)
        {
            throw new ArgumentException($"'{identifier}' is not a Postgres identifier: it must be 1 to {MaxIdentifierBytes} bytes without NUL characters", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
