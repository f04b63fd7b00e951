namespace OutboxSdk.Migrations;

/// <summary>
/// Migration 5: drops <c>checkpoints</c>, which migration 1 created for a relay high-water mark that no relay ever
/// wrote (the Notify source's progress is its queue, the WAL source's is <c>replication_positions</c>).
/// </summary>
internal static class DropCheckpointsMigration
{
    public const int Version = 5;

    public const string Description = "drop the unused checkpoints table";

    public static string Sql(string schema) => $"""
        DROP TABLE IF EXISTS {OutboxSchema.QuoteIdentifier(schema)}."checkpoints";

        """;
}
