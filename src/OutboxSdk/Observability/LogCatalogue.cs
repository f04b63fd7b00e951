namespace OutboxSdk.Observability;

// The SDK's one log catalogue: every [LoggerMessage] of every part, one class per part, in one file; the event ids are
// LogEvents' constants. An event has one id whatever the relay mode (DeliveryLog holds those both sources share).

/// <summary>
/// The delivery engine's log events: one event id per event, whatever the source (Notify queue or WAL) that read
/// the message or change. The ids are in <see cref="LogEvents"/>.
/// </summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(LogEvents.HandlerFailed, LogLevel.Warning, "{Subject} {MessageId} at {Position} failed attempt {Attempt} of {MaxAttempts}; next attempt in {Delay}")]
    public static partial void HandlerFailed(ILogger logger, string subject, Guid messageId, string position, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(LogEvents.DeadLettered, LogLevel.Error, "{Subject} {MessageId} at {Position} moved to dead letters after {Attempts} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, string subject, Guid messageId, string position, int attempts, string reason);

    [LoggerMessage(LogEvents.DuplicateSkipped, LogLevel.Debug, "Handler {Handler} already processed message {MessageId} (inbox); skipped")]
    public static partial void DuplicateSkipped(ILogger logger, string handler, Guid messageId);

    [LoggerMessage(LogEvents.RelayFaulted, LogLevel.Warning, "Outbox relay ({Source}) faulted; starting again in {Delay}")]
    public static partial void RelayFaulted(ILogger logger, string source, TimeSpan delay, Exception exception);

    [LoggerMessage(LogEvents.RelayStopped, LogLevel.Information, "Outbox relay ({Source}) for {Name} stopped")]
    public static partial void RelayStopped(ILogger logger, string source, string name);

    [LoggerMessage(LogEvents.SessionNotEnded, LogLevel.Warning, "Could not end the server session {Backend} of a delivery whose handler timed out or whose rollback failed; what it holds is released when that connection closes")]
    public static partial void SessionNotEnded(ILogger logger, int backend, Exception exception);

    [LoggerMessage(LogEvents.UnreadableSchemaWaiting, LogLevel.Warning, "{Subject} {MessageId} at {Position} was written with writer schema {WriterSchema}, which this version of the application cannot read; it waits for a relay that can read it (a newer deploy) and is not dead-lettered (timeout {Timeout}): {Reason}")]
    public static partial void UnreadableSchemaWaiting(ILogger logger, string subject, Guid messageId, string position, string writerSchema, string timeout, string reason);

    [LoggerMessage(LogEvents.RelaySteppedDown, LogLevel.Warning, "Outbox relay ({Source}) stepped down so that a relay that can read a waiting message takes over: {Reason}; it competes for leadership again in {Backoff}")]
    public static partial void SteppedDown(ILogger logger, string source, string reason, TimeSpan backoff);

    [LoggerMessage(LogEvents.ConnectionAbandoned, LogLevel.Warning, "Gave up a delivery connection (a handler did not stop after its timeout, or the rollback failed); the attempt was recorded and delivery goes on")]
    public static partial void ConnectionAbandoned(ILogger logger, Exception exception);

    [LoggerMessage(LogEvents.SilentLeaderEnded, LogLevel.Warning, "The active relay of {What} was silent for {Silence} (LeaderTimeout {LeaderTimeout}): ended its server session {Backend} and {Sessions} session(s) in all to take over")]
    public static partial void SilentLeaderEnded(ILogger logger, string what, int backend, TimeSpan silence, TimeSpan leaderTimeout, int sessions);

    [LoggerMessage(LogEvents.SilentLeaderNotEnded, LogLevel.Warning, "The active relay of {What} has been silent for {Silence}, but this relay may not end its server session {Backend} ({Reason}): run the relays under one role, or grant pg_signal_backend; standing by")]
    public static partial void SilentLeaderNotEnded(ILogger logger, string what, int backend, TimeSpan silence, string reason);

    [LoggerMessage(LogEvents.RelayMisconfigured, LogLevel.Critical, "Outbox relay ({Source}) stopped: {Reason}")]
    public static partial void RelayMisconfigured(ILogger logger, string source, string reason);
}

/// <summary>The Notify source's own log events (ids in <see cref="LogEvents"/>, 3100-3199); delivery events are DeliveryLog's.</summary>

internal static partial class NotifyLog
{
    [LoggerMessage(LogEvents.NotifyActive, LogLevel.Information, "Outbox relay active for schema {Schema}, listening on channel {Channel}")]
    public static partial void Active(ILogger logger, string schema, string channel);

    [LoggerMessage(LogEvents.NotifyStandby, LogLevel.Information, "Outbox relay on standby: another relay holds schema {Schema}; retrying every {PollInterval}")]
    public static partial void Standby(ILogger logger, string schema, TimeSpan pollInterval);

    [LoggerMessage(LogEvents.NotifyMessageMissing, LogLevel.Warning, "Outbox row {Id} is queued for delivery but no longer exists (its partition was dropped); dropping it from the queue")]
    public static partial void MessageMissing(ILogger logger, long id);

    [LoggerMessage(LogEvents.NotifyClaimed, LogLevel.Debug, "Outbox relay claimed {Claimed} message(s)")]
    public static partial void Claimed(ILogger logger, int claimed);

    [LoggerMessage(LogEvents.NotifyDeliveryFaulted, LogLevel.Warning, "Outbox relay could not deliver key {Key} (lost a connection?); its messages are claimed again later")]
    public static partial void DeliveryFaulted(ILogger logger, string key, Exception exception);

    [LoggerMessage(LogEvents.NotifyTriggerChannelInstalled, LogLevel.Information, "Outbox relay made the enqueue trigger of schema {Schema} notify its channel {Channel}")]
    public static partial void TriggerChannelInstalled(ILogger logger, string schema, string channel);

    [LoggerMessage(LogEvents.NotifyQueueTriggerEnabled, LogLevel.Information, "Outbox relay enabled the enqueue trigger of schema {Schema} again (it was off for Replication mode); messages written while it was off are not queued")]
    public static partial void QueueTriggerEnabled(ILogger logger, string schema);
}

/// <summary>The Replication relay's log events, ids 5000-5099 of the change-feed-and-replication range (LogEvents).</summary>
internal static partial class WalLog
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


    // 5090-5099: the Notify relay's queue while in Replication mode (kept apart from the engine's own ids).
    [LoggerMessage(LogEvents.WalQueueTriggerDisabled, LogLevel.Information, "Disabled the Notify relay's enqueue trigger on {Count} table(s) of schema {Schema}: in Replication mode nothing drains its queue")]
    public static partial void QueueTriggerDisabled(ILogger logger, int count, string schema);

    [LoggerMessage(LogEvents.WalNotifyQueueNotEmpty, LogLevel.Warning, "{Count} message(s) queued by the Notify relay wait in {Schema}.pending and are not in the replication slot's stream: run the Notify relay until the queue is empty, then switch")]
    public static partial void NotifyQueueNotEmpty(ILogger logger, long count, string schema);

    [LoggerMessage(LogEvents.WalQueueTriggerNotDisabled, LogLevel.Warning, "Could not disable the Notify relay's enqueue trigger of schema {Schema} ({Reason}): its queue grows while nothing drains it; as the owner of the outbox tables run ALTER TABLE {Schema}.messages DISABLE TRIGGER relay_enqueue")]
    public static partial void QueueTriggerNotDisabled(ILogger logger, string schema, string reason);
}

/// <summary>Log events of the replication slot's operations (WAL safety), ids 5100-5199 of the change-feed-and-replication range (LogEvents).</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(LogEvents.SlotRetainedWalHigh, LogLevel.Warning, "Replication slot {Slot} retains {RetainedBytes} bytes of WAL, above the warning threshold of {ThresholdBytes} (ReplicationOptions.RetainedWalWarningBytes); wal_status {WalStatus}, {SafeWalSize} bytes until max_slot_wal_keep_size invalidates it. Is its consumer running and keeping up?")]
    public static partial void RetainedWalHigh(ILogger logger, string slot, long retainedBytes, long thresholdBytes, string walStatus, string safeWalSize);

    [LoggerMessage(LogEvents.SlotRetainedWalNormal, LogLevel.Information, "Replication slot {Slot} retains {RetainedBytes} bytes of WAL again, below the warning threshold of {ThresholdBytes}")]
    public static partial void RetainedWalNormal(ILogger logger, string slot, long retainedBytes, long thresholdBytes);

    [LoggerMessage(LogEvents.SlotLostStopping, LogLevel.Error, "Replication slot {Slot} was {What}; max_slot_wal_keep_size is {KeepSize}. Changes since its last confirmed position are gone from the stream, and SnapshotMode {Mode} does not recreate it, so the relay stops. To go on: raise max_slot_wal_keep_size if it was too small; then either set SnapshotMode = WhenNeeded (a new slot whose snapshot covers the gap: change-feed tables again, the outbox rows of the gap from the messages table in the Table write mode; in the LogicalMessage write mode the gap's messages are lost), or drop the slot ('outbox slots drop {Slot}') and delete its row from replication_positions once the gap is accounted for")]
    public static partial void SlotLostStopping(ILogger logger, string slot, string what, string keepSize, SnapshotMode mode);

    [LoggerMessage(LogEvents.SlotLostRecovering, LogLevel.Error, "Replication slot {Slot} was {What}; max_slot_wal_keep_size is {KeepSize}. There is a gap: changes since its last confirmed position are gone from the stream. SnapshotMode WhenNeeded: creating a new slot. Outbox messages of the gap: {GapMessages}. Change-feed tables: {ChangeFeedTables}")]
    public static partial void SlotLostRecovering(ILogger logger, string slot, string what, string keepSize, string gapMessages, string changeFeedTables);

    [LoggerMessage(LogEvents.SlotSampleFailed, LogLevel.Warning, "Sampling replication slot {Slot} failed; its gauges keep their previous values")]
    public static partial void SampleFailed(ILogger logger, string slot, Exception exception);

    [LoggerMessage(LogEvents.SlotGapDelivered, LogLevel.Warning, "Replication slot {Slot}: delivered {Count} outbox messages of the gap from the messages table (rows created since {From:O}, read in the new slot's snapshot); the stream goes on after them")]
    public static partial void GapDelivered(ILogger logger, string slot, int count, DateTime from);

}

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

internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = LogEvents.BacklogSampleFailed, Level = LogLevel.Warning,
        Message = "Measuring the outbox backlog of schema {Schema} failed; the gauges keep their previous values")]
    public static partial void BacklogSampleFailed(ILogger logger, string schema, Exception exception);

    [LoggerMessage(EventId = LogEvents.HealthDatabaseUnreachable, Level = LogLevel.Warning,
        Message = "Outbox health check: the database of schema {Schema} is unreachable")]
    public static partial void HealthDatabaseUnreachable(ILogger logger, string schema, Exception exception);
}

internal static partial class TopologyLog
{
    [LoggerMessage(EventId = LogEvents.TopologyLegacySlotKept, Level = LogLevel.Warning,
        Message = "Replication slot {Slot} of schema {Schema} has the default name of earlier versions, which is the same in every database of the cluster; it is kept so nothing it holds is lost. Pin it with OutboxOptions.Replication.SlotName = \"{Slot}\" (a second database with an outbox schema of the same name would collide with it), or move to the per-database default {NewSlot} of database {Database} as docs/operations.md describes")]
    public static partial void LegacySlotKept(ILogger logger, string slot, string schema, string database, string newSlot);

    [LoggerMessage(EventId = LogEvents.TopologyServerVersion, Level = LogLevel.Information,
        Message = "PostgreSQL server {Version} (server_version_num {VersionNum}); relay mode {Mode}")]
    public static partial void ServerVersion(ILogger logger, string version, int versionNum, RelayMode mode);

    [LoggerMessage(EventId = LogEvents.TopologyFailoverSlotUnavailable, Level = LogLevel.Information,
        Message = "Replication slot {Slot} is created without failover: {Reason}")]
    public static partial void FailoverSlotUnavailable(ILogger logger, string slot, string reason);

    // Information, or Warning when messages published now would be lost (LogicalMessage write mode, no slot yet).
    [LoggerMessage(EventId = LogEvents.TopologyPublisherOnly,
        Message = "Publisher-only process (RunRelay = false) in Replication mode: no slot or publication is created or checked here and the change-feed tables are not read; slot {Slot} {SlotState}")]
    public static partial void PublisherOnly(ILogger logger, LogLevel level, string slot, string slotState);

    [LoggerMessage(EventId = LogEvents.TopologyEntitiesExcluded, Level = LogLevel.Information,
        Message = "[ChangeFeed] entities left out of this process (OutboxOptions.ChangeFeed.ExcludedEntities): {Entities}")]
    public static partial void EntitiesExcluded(ILogger logger, string entities);

    [LoggerMessage(EventId = LogEvents.TopologyQueuedDelivered, Level = LogLevel.Information,
        Message = "Replication slot {Slot} was created after {Count} message(s) had been published (they waited in the Notify queue): delivered them from the new slot's snapshot; the stream goes on after them")]
    public static partial void QueuedDelivered(ILogger logger, string slot, int count);
}
