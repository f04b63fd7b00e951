namespace OutboxSdk.Observability;

/// <summary>
/// Every event id the SDK logs with, in one place so ids never collide; the messages are in LogCatalogue.cs. Each
/// area owns a range of 1000 and adds its ids here, in its range, for its <c>[LoggerMessage]</c> methods.
/// </summary>
internal static class LogEvents
{
    // 1000-1999 hosting and startup (options validation, migrations)
    // 2000-2999 write path (IOutbox)
    // 3000-3999 relay: the delivery engine (3000-3099), the Notify source (3100-3199)
    // 4000-4999 failures (retries, dead letters, replay)
    // 5000-5999 change feed and replication (5000-5099: the WAL source, WalLog;
    //           5100-5199: slot operations and WAL safety, OperationsLog;
    //           5200-5299: deployment topology — names per database, server versions, partial processes, TopologyLog)
    // 6000-6999 observability (health, backlog)
    // 7000-7999 retention (partitions)

    // 3000-3099: the delivery engine, whatever the source (DeliveryLog)

    /// <summary>The relay's session failed; the hosted loop starts it again after a backoff.</summary>
    public const int RelayFaulted = 3000;

    /// <summary>The relay stopped (the host is stopping).</summary>
    public const int RelayStopped = 3001;

    /// <summary>A handler already ran for this message (the inbox lists it); it is skipped.</summary>
    public const int DuplicateSkipped = 3002;

    /// <summary>A delivery's server session could not be ended from outside.</summary>
    public const int SessionNotEnded = 3003;

    /// <summary>A delivery connection was given up (an abandoned handler, a failed rollback).</summary>
    public const int ConnectionAbandoned = 3004;

    /// <summary>A standby ended the server session of an active relay that had gone silent, to take over.</summary>
    public const int SilentLeaderEnded = 3005;

    /// <summary>The relay stopped: it cannot run as configured (a transaction-mode pooler in front of it).</summary>
    public const int RelayMisconfigured = 3006;

    /// <summary>A standby found the active relay silent but may not end its session (another role).</summary>
    public const int SilentLeaderNotEnded = 3007;
    // 3010-3019: rolling deploys (a writer schema only another version can read)

    /// <summary>A message's writer schema is one only another version of the application can read: it waits (rolling deploys).</summary>
    public const int UnreadableSchemaWaiting = 3010;

    /// <summary>The relay gave up leadership so that a relay that can read a waiting message takes over.</summary>
    public const int RelaySteppedDown = 3011;

    // 4000-4099: failures, whatever the source

    /// <summary>A handler failed; the message or change is retried after a backoff.</summary>
    public const int HandlerFailed = 4000;

    /// <summary>A message or change went to dead letters (attempts exhausted, or it can never be handled).</summary>
    public const int DeadLettered = 4001;

    /// <summary>The periodic backlog query failed; the gauges keep the previous values.</summary>
    public const int BacklogSampleFailed = 6000;

    /// <summary>The health check found the database unreachable.</summary>
    public const int HealthDatabaseUnreachable = 6001;

    // 5500-5599 of the change feed's range: the typed change feed (relation checks, snapshot)

    /// <summary>A mapped table has columns its entity does not map; they are ignored.</summary>
    public const int ChangeFeedColumnsIgnored = 5500;

    /// <summary>A mapped table no longer matches its entity; the feed must stop.</summary>
    public const int ChangeFeedRelationIncompatible = 5501;

    /// <summary>A mapped table differs from its entity in a compatible way worth a warning (replica identity).</summary>
    public const int ChangeFeedRelationWarning = 5502;

    /// <summary>The snapshot finished reading a table.</summary>
    public const int ChangeFeedSnapshotTableRead = 5503;

    /// <summary>A time partition was created.</summary>
    public const int PartitionCreated = 7000;

    /// <summary>Rows of the default partition were moved into a new time partition.</summary>
    public const int RowsMovedFromDefault = 7001;

    /// <summary>An expired partition was dropped.</summary>
    public const int PartitionDropped = 7002;

    /// <summary>An expired partition was kept because it holds undelivered messages.</summary>
    public const int PartitionKept = 7003;

    /// <summary>Another instance holds the retention lock; this run did nothing.</summary>
    public const int RetentionLockBusy = 7004;

    /// <summary>A retention run failed; the next run retries.</summary>
    public const int RetentionFailed = 7005;

    /// <summary>The role does not own the outbox tables, so it leaves retention to the owner's process.</summary>
    public const int RetentionNotOwner = 7006;

    // 1100-1199: migrations (MigrationLog)
    public const int MigrationApplied = 1100;
    public const int MigrationUpToDate = 1101;
    public const int MigrationNewerDatabase = 1102;
    public const int MigrationSchemasRegistered = 1103;

    // 3100-3199: the Notify source (NotifyLog)
    public const int NotifyActive = 3100;
    public const int NotifyStandby = 3101;
    public const int NotifyMessageMissing = 3102;
    public const int NotifyClaimed = 3103;
    public const int NotifyDeliveryFaulted = 3104;
    public const int NotifyTriggerChannelInstalled = 3105;
    public const int NotifyQueueTriggerEnabled = 3106;

    // 5000-5099: the WAL source (WalLog)
    public const int WalStreaming = 5000;
    public const int WalStandby = 5001;
    public const int WalSlotCreated = 5004;
    public const int WalPublicationCreated = 5005;
    public const int WalPublicationAltered = 5006;
    public const int WalReplayed = 5009;
    public const int WalPositionTaken = 5010;
    public const int WalIncompatibleRelation = 5011;
    public const int WalHeartbeatFailed = 5012;
    public const int WalSpilled = 5013;
    public const int WalSlotLost = 5014;
    public const int WalSnapshotDelivered = 5015;
    // 5016 (a publisher-only process found no slot) is retired: such a process no longer looks at slots (5203).
    public const int WalQueueTriggerDisabled = 5090;
    public const int WalNotifyQueueNotEmpty = 5091;
    public const int WalQueueTriggerNotDisabled = 5092;

    // 5100-5199: slot operations and WAL safety (OperationsLog)
    public const int SlotRetainedWalHigh = 5100;
    public const int SlotRetainedWalNormal = 5101;
    public const int SlotLostStopping = 5102;
    public const int SlotLostRecovering = 5103;
    public const int SlotSampleFailed = 5104;
    public const int SlotGapDelivered = 5105;
    // 5106 (a publisher-only process left a lost slot to the relay) is retired with it.

    // 5200-5299: deployment topology (TopologyLog)
    public const int TopologyLegacySlotKept = 5200;
    public const int TopologyServerVersion = 5201;
    public const int TopologyFailoverSlotUnavailable = 5202;
    public const int TopologyPublisherOnly = 5203;
    public const int TopologyEntitiesExcluded = 5204;
    public const int TopologyQueuedDelivered = 5205;
}
