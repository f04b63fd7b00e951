namespace OutboxSdk.ChangeFeed;

internal static partial class ChangeFeedLog
{
    [LoggerMessage(EventId = LogEvents.ChangeFeedColumnsIgnored, Level = LogLevel.Information,
        Message = "Table {Table} has columns that {Entity} does not map; the change feed ignores them: {Columns}")]
    public static partial void ColumnsIgnored(ILogger logger, string table, string entity, string columns);

    [LoggerMessage(EventId = LogEvents.ChangeFeedRelationIncompatible, Level = LogLevel.Error,
        Message = "Table {Table} no longer matches {Entity}: {Error}")]
    public static partial void RelationIncompatible(ILogger logger, string table, string entity, string error);

    [LoggerMessage(EventId = LogEvents.ChangeFeedRelationWarning, Level = LogLevel.Warning,
        Message = "{Warning}")]
    public static partial void RelationWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = LogEvents.ChangeFeedSnapshotTableRead, Level = LogLevel.Information,
        Message = "Snapshot read {Rows} rows of {Table}")]
    public static partial void SnapshotTableRead(ILogger logger, string table, long rows);
}
