namespace OutboxSdk.Retention;

internal static partial class RetentionLog
{
    [LoggerMessage(EventId = LogEvents.PartitionCreated, Level = LogLevel.Information,
        Message = "Created outbox partition {Schema}.{Partition} for {From:O} to {To:O}")]
    public static partial void PartitionCreated(ILogger logger, string schema, string partition, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = LogEvents.RowsMovedFromDefault, Level = LogLevel.Warning,
        Message = "Moved {Rows} rows of {Schema}.messages_default into the new partition {Partition}; retention had not run for more than an interval")]
    public static partial void RowsMovedFromDefault(ILogger logger, string schema, string partition, long rows);

    [LoggerMessage(EventId = LogEvents.PartitionDropped, Level = LogLevel.Information,
        Message = "Dropped expired outbox partition {Schema}.{Partition}")]
    public static partial void PartitionDropped(ILogger logger, string schema, string partition);

    [LoggerMessage(EventId = LogEvents.PartitionKept, Level = LogLevel.Warning,
        Message = "Kept expired outbox partition {Schema}.{Partition}: it still holds undelivered messages")]
    public static partial void PartitionKept(ILogger logger, string schema, string partition);

    [LoggerMessage(EventId = LogEvents.RetentionLockBusy, Level = LogLevel.Debug,
        Message = "Outbox retention of {Schema} skipped: another instance holds the lock")]
    public static partial void LockBusy(ILogger logger, string schema);

    [LoggerMessage(EventId = LogEvents.RetentionNotOwner, Level = LogLevel.Information,
        Message = "Outbox retention of {Schema} skipped: the role {Role} does not own {Schema}.messages; partitions are created and dropped only by a process that connects as the owner (docs/security.md)")]
    public static partial void NotOwner(ILogger logger, string schema, string role);

    [LoggerMessage(EventId = LogEvents.RetentionFailed, Level = LogLevel.Error,
        Message = "Outbox retention of {Schema} failed; the next run retries")]
    public static partial void Failed(ILogger logger, string schema, Exception exception);
}
