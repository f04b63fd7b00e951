namespace OutboxSdk.Sources.Wal;

/// <summary>The Replication relay's log events, ids 5000-5099 of the change-feed-and-replication range (LogEvents).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(LogEvents.WalStreaming, LogLevel.Information, "Replication relay streaming from slot {Slot} (publication {Publication}) from {Position}")]
    public static partial void Streaming(ILogger logger, string slot, string publication, string position);

    [LoggerMessage(LogEvents.WalStandby, LogLevel.Information, "Replication relay on standby: slot {Slot} is streamed by another process; retrying every {Interval}")]
    public static partial void Standby(ILogger logger, string slot, TimeSpan interval);



    [LoggerMessage(LogEvents.WalSlotCreated, LogLevel.Information, "Created replication slot {Slot} (pgoutput) at {Lsn}")]
    public static partial void SlotCreated(ILogger logger, string slot, string lsn);

    [LoggerMessage(LogEvents.WalPublicationCreated, LogLevel.Information, "Created publication {Publication} over {Tables}")]
    public static partial void PublicationCreated(ILogger logger, string publication, string tables);

    [LoggerMessage(LogEvents.WalPublicationAltered, LogLevel.Information, "Publication {Publication} altered: {Change}")]
    public static partial void PublicationAltered(ILogger logger, string publication, string change);



    [LoggerMessage(LogEvents.WalReplayed, LogLevel.Debug, "Skipped {Position}: at or below the processed position {Processed} (a replay)")]
    public static partial void Replayed(ILogger logger, string position, string processed);

    [LoggerMessage(LogEvents.WalPositionTaken, LogLevel.Warning, "Another consumer of slot {Slot} processed {Position} first; this one's work on it was rolled back")]
    public static partial void PositionTaken(ILogger logger, string slot, string position);

    [LoggerMessage(LogEvents.WalIncompatibleRelation, LogLevel.Error, "Replication relay stopped at {Position}: {Reason}. Nothing after it is acknowledged; fix the table or the entity and restart")]
    public static partial void IncompatibleRelation(ILogger logger, string position, string reason);

    [LoggerMessage(LogEvents.WalHeartbeatFailed, LogLevel.Warning, "Heartbeat of slot {Slot} failed; retrying at the next interval")]
    public static partial void HeartbeatFailed(ILogger logger, string slot, Exception exception);

    [LoggerMessage(LogEvents.WalSpilled, LogLevel.Information, "Streamed transaction {Xid} spilled to disk: the buffer of {Limit} bytes is full")]
    public static partial void Spilled(ILogger logger, uint xid, long limit);

    [LoggerMessage(LogEvents.WalSlotLost, LogLevel.Warning, "Replication slot {Slot} was lost (it does not exist, or its WAL was removed); {Action}")]
    public static partial void SlotLost(ILogger logger, string slot, string action);

    [LoggerMessage(LogEvents.WalSnapshotDelivered, LogLevel.Information, "Initial snapshot of slot {Slot}: {Count} row(s) delivered")]
    public static partial void SnapshotDelivered(ILogger logger, string slot, long count);

    [LoggerMessage(LogEvents.WalPublisherBeforeSlot, LogLevel.Warning, "Replication slot {Slot} does not exist yet and this publisher-only process does not create it ({Reason}): messages published before the relay creates it are not delivered; start the relay first")]
    public static partial void PublisherBeforeSlot(ILogger logger, string slot, string reason);

    // 5090-5099: the Notify relay's queue while in Replication mode (kept apart from the engine's own ids).
    [LoggerMessage(LogEvents.WalQueueTriggerDisabled, LogLevel.Information, "Disabled the Notify relay's enqueue trigger on {Count} table(s) of schema {Schema}: in Replication mode nothing drains its queue")]
    public static partial void QueueTriggerDisabled(ILogger logger, int count, string schema);

    [LoggerMessage(LogEvents.WalNotifyQueueNotEmpty, LogLevel.Warning, "{Count} message(s) queued by the Notify relay wait in {Schema}.pending and are not in the replication slot's stream: run the Notify relay until the queue is empty, then switch")]
    public static partial void NotifyQueueNotEmpty(ILogger logger, long count, string schema);

    [LoggerMessage(LogEvents.WalQueueTriggerNotDisabled, LogLevel.Warning, "Could not disable the Notify relay's enqueue trigger of schema {Schema} ({Reason}): its queue grows while nothing drains it; as the owner of the outbox tables run ALTER TABLE {Schema}.messages DISABLE TRIGGER relay_enqueue")]
    public static partial void QueueTriggerNotDisabled(ILogger logger, string schema, string reason);
}
