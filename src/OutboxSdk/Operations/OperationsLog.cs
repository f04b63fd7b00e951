using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

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

    [LoggerMessage(LogEvents.SlotPublisherLeavesLostSlot, LogLevel.Warning, "Replication slot {Slot} is lost; this publisher-only process publishes on and leaves the slot to the relay: {Reason}")]
    public static partial void PublisherLeavesLostSlot(ILogger logger, string slot, string reason);
}
