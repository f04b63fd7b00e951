namespace OutboxSdk.Migrations;

/// <summary>Logging of migrations and schema registration (event ids 1100-1119).</summary>
internal static partial class MigrationLog
{
    [LoggerMessage(LogEvents.MigrationApplied, LogLevel.Information, "Applied outbox migration {Version} ({Description}) to schema {Schema}")]
    public static partial void Applied(ILogger logger, int version, string description, string schema);

    [LoggerMessage(LogEvents.MigrationUpToDate, LogLevel.Debug, "Outbox schema {Schema} is up to date at version {Version}")]
    public static partial void UpToDate(ILogger logger, string schema, int version);

    [LoggerMessage(LogEvents.MigrationNewerDatabase, LogLevel.Warning, "Outbox schema {Schema} is at version {Version}, newer than this SDK's {Latest}: an older SDK is running against tables a newer one upgraded")]
    public static partial void NewerDatabase(ILogger logger, string schema, int version, int latest);

    [LoggerMessage(LogEvents.MigrationSchemasRegistered, LogLevel.Information, "Registered {Count} new message schemas of {Total} in {Schema}.schemas")]
    public static partial void SchemasRegistered(ILogger logger, int count, int total, string schema);
}
