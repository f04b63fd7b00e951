namespace OutboxSdk.Migrations;

/// <summary>One versioned change to the outbox's tables; <see cref="Sql"/> gets the schema name and returns its statements.</summary>
internal sealed record OutboxMigration(int Version, string Description, Func<string, string> Sql);

/// <summary>
/// Every migration this SDK version knows, in order. A migration, once released, is never edited: a later SDK
/// version appends version 2, 3... so that a database made by an older SDK is upgraded in place.
/// </summary>
internal static class OutboxMigrations
{
    public static IReadOnlyList<OutboxMigration> All { get; } =
    [
        new(1, "outbox tables: messages, schemas, dead_letters, inbox, checkpoints", OutboxSchema.CreateSql),
        new(RelayQueueMigration.Version, RelayQueueMigration.Description, RelayQueueMigration.Sql),
        new(3, "replication positions per slot", OutboxSdk.Sources.Wal.ReplicationSql.PositionsTableSql),
        new(InboxIndexMigration.Version, InboxIndexMigration.Description, InboxIndexMigration.Sql),
        new(DropCheckpointsMigration.Version, DropCheckpointsMigration.Description, DropCheckpointsMigration.Sql),
    ];

    public static int Latest => All[^1].Version;

    /// <summary>The schema and the table that records applied versions; created before anything else, idempotently.</summary>
    public static string PreambleSql(string schema)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        return $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}."migrations" (
                "version" integer PRIMARY KEY,
                "description" text NOT NULL,
                "applied_at" timestamptz NOT NULL DEFAULT now()
            );
            """;
    }

    public static string MigrationsTable(string schema) => OutboxSchema.QuoteIdentifier(schema) + ".\"migrations\"";
}
