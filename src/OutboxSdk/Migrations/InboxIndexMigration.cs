namespace OutboxSdk.Migrations;

/// <summary>
/// Migration 4: an index on the inbox's <c>message_id</c>. The relay asks "which handlers already ran for this
/// message?" on every delivery; the primary key (handler, message_id) cannot answer that by message alone, so the
/// lookup read the whole inbox, and got slower with every exactly-once delivery it had recorded.
/// </summary>
internal static class InboxIndexMigration
{
    public const int Version = 4;

    public const string Description = "inbox index by message id (the delivery's lookup)";

    /// <summary>
    /// The statement. A plain (not CONCURRENTLY) build: migrations run in one transaction, and until this index exists
    /// every delivery scans the inbox anyway; on a very large inbox, apply it with <c>outbox script</c> at a quiet hour.
    /// </summary>
    public static string Sql(string schema) => $"""
        CREATE INDEX IF NOT EXISTS "inbox_message_id" ON {OutboxSchema.QuoteIdentifier(schema)}."inbox" ("message_id");

        """;
}
