namespace OutboxSdk.Observability;

/// <summary>
/// Every event id the SDK logs with, in one place so ids never collide. Each area owns a range of 1000 and adds
/// its ids here, in its range, for its <c>[LoggerMessage]</c> methods.
/// </summary>
internal static class LogEvents
{
    // 1000-1999 hosting and startup (options validation, migrations)
    // 2000-2999 write path (IOutbox)
    // 3000-3999 relay (claiming, dispatch, notifications, fallback poll)
    // 4000-4999 failures (retries, dead letters, replay)
    // 5000-5999 change feed and replication (5000-5099: the Replication relay, Replication/ReplicationLog;
    //           5100-5199: slot operations and WAL safety, Replication/Operations/OperationsLog)
    // 6000-6999 observability (health, backlog)
    // 7000-7999 retention (partitions)

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
}
