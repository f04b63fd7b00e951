using Microsoft.Extensions.Logging;

namespace OutboxSdk.Replication;

/// <summary>The Replication relay's log events, ids 5000-5099 of the change-feed-and-replication range (LogEvents).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(5000, LogLevel.Information, "Replication relay streaming from slot {Slot} (publication {Publication}) from {Position}")]
    public static partial void Streaming(ILogger logger, string slot, string publication, string position);

    [LoggerMessage(5001, LogLevel.Information, "Replication relay on standby: slot {Slot} is streamed by another process; retrying every {Interval}")]
    public static partial void Standby(ILogger logger, string slot, TimeSpan interval);

    [LoggerMessage(5002, LogLevel.Warning, "Replication relay faulted; starting again in {Delay}")]
    public static partial void Faulted(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(5003, LogLevel.Information, "Replication relay for slot {Slot} stopped")]
    public static partial void Stopped(ILogger logger, string slot);

    [LoggerMessage(5004, LogLevel.Information, "Created replication slot {Slot} (pgoutput) at {Lsn}")]
    public static partial void SlotCreated(ILogger logger, string slot, string lsn);

    [LoggerMessage(5005, LogLevel.Information, "Created publication {Publication} over {Tables}")]
    public static partial void PublicationCreated(ILogger logger, string publication, string tables);

    [LoggerMessage(5006, LogLevel.Information, "Publication {Publication} altered: {Change}")]
    public static partial void PublicationAltered(ILogger logger, string publication, string change);

    [LoggerMessage(5007, LogLevel.Warning, "Message {MessageId} ({Subject}) failed attempt {Attempt} of {MaxAttempts}; the stream waits {Delay} before the next")]
    public static partial void HandlerFailed(ILogger logger, Guid messageId, string subject, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(5008, LogLevel.Error, "Message {MessageId} ({Subject}) at {Position} moved to dead letters after {Attempts} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, Guid messageId, string subject, string position, int attempts, string reason);

    [LoggerMessage(5009, LogLevel.Debug, "Skipped {Position}: at or below the processed position {Processed} (a replay)")]
    public static partial void Replayed(ILogger logger, string position, string processed);

    [LoggerMessage(5010, LogLevel.Warning, "Another consumer of slot {Slot} processed {Position} first; this one's work on it was rolled back")]
    public static partial void PositionTaken(ILogger logger, string slot, string position);

    [LoggerMessage(5011, LogLevel.Error, "Replication relay stopped at {Position}: {Reason}. Nothing after it is acknowledged; fix the table or the entity and restart")]
    public static partial void IncompatibleRelation(ILogger logger, string position, string reason);

    [LoggerMessage(5012, LogLevel.Warning, "Heartbeat of slot {Slot} failed; retrying at the next interval")]
    public static partial void HeartbeatFailed(ILogger logger, string slot, Exception exception);

    [LoggerMessage(5013, LogLevel.Information, "Streamed transaction {Xid} spilled to disk: the buffer of {Limit} bytes is full")]
    public static partial void Spilled(ILogger logger, uint xid, long limit);

    [LoggerMessage(5014, LogLevel.Warning, "Replication slot {Slot} was lost (it does not exist, or its WAL was removed); {Action}")]
    public static partial void SlotLost(ILogger logger, string slot, string action);

    [LoggerMessage(5015, LogLevel.Information, "Initial snapshot of slot {Slot}: {Count} row(s) delivered")]
    public static partial void SnapshotDelivered(ILogger logger, string slot, long count);

    [LoggerMessage(5016, LogLevel.Warning, "Replication slot {Slot} does not exist yet and this publisher-only process does not create it ({Reason}): messages published before the relay creates it are not delivered; start the relay first")]
    public static partial void PublisherBeforeSlot(ILogger logger, string slot, string reason);

    // 5090-5099: the Notify relay's queue while in Replication mode (kept apart from the engine's own ids).
    [LoggerMessage(5090, LogLevel.Information, "Disabled the Notify relay's enqueue trigger on {Count} table(s) of schema {Schema}: in Replication mode nothing drains its queue")]
    public static partial void QueueTriggerDisabled(ILogger logger, int count, string schema);

    [LoggerMessage(5091, LogLevel.Warning, "{Count} message(s) queued by the Notify relay wait in {Schema}.pending and are not in the replication slot's stream: run the Notify relay until the queue is empty, then switch")]
    public static partial void NotifyQueueNotEmpty(ILogger logger, long count, string schema);

    [LoggerMessage(5092, LogLevel.Warning, "Could not disable the Notify relay's enqueue trigger of schema {Schema} ({Reason}): its queue grows while nothing drains it; as the owner of the outbox tables run ALTER TABLE {Schema}.messages DISABLE TRIGGER relay_enqueue")]
    public static partial void QueueTriggerNotDisabled(ILogger logger, string schema, string reason);
}
