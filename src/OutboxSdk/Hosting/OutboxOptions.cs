using OutboxSdk.Sources.Wal;
using OutboxSdk.Avro.Compatibility;

namespace OutboxSdk;

/// <summary>How the relay learns of committed messages.</summary>
public enum RelayMode
{
    /// <summary>LISTEN/NOTIFY wake-ups, with a fallback poll for lost notifications.</summary>
    Notify,

    /// <summary>Logical replication (pgoutput) of the outbox table (issue 5).</summary>
    Replication,
}

/// <summary>Options of <c>services.AddOutbox(...)</c>; validated at startup with messages that say what to change.</summary>
public sealed class OutboxOptions
{
    /// <summary>The data source to use; when null, one from DI, else one built from <see cref="ConnectionString"/>.</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>A connection string, used when no data source is given or registered.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Postgres schema of the outbox tables (quoted, so any identifier works). Default <c>outbox</c>.</summary>
    public string Schema { get; set; } = OutboxSdk.Schema.OutboxSchema.DefaultSchema;

    /// <summary>How the relay learns of committed messages. Default <see cref="RelayMode.Notify"/>.</summary>
    public RelayMode RelayMode { get; set; } = RelayMode.Notify;

    /// <summary>
    /// The relay's own connection, when the application's (<see cref="ConnectionString"/> or <see cref="DataSource"/>)
    /// goes through a transaction-mode pooler such as PgBouncer: a direct connection to PostgreSQL or a session-mode
    /// pool. The relay keeps session state (its leader lock, LISTEN, prepared statements) and refuses to start on a
    /// transaction pooler; publishing works through one. Also the Replication relay's replication connections unless
    /// <see cref="ReplicationOptions.ConnectionString"/> is set. Default null: the relay uses the application's.
    /// </summary>
    public string? RelayConnectionString { get; set; }

    /// <summary>
    /// Notify mode: makes concurrent writers of one partition key take turns — each publish takes a transaction-level
    /// lock on its key, held until the writer commits or rolls back — so a key's messages are delivered in commit order
    /// whether the relay is live or catching up. Without it a key's messages are delivered in publish order, which is
    /// commit order for writers of a key that do not overlap. Costs no round trip; writers of one key wait for each
    /// other (docs/relay.md, "Order per key"). Replication mode delivers in commit order always and ignores it. Default false.
    /// </summary>
    public bool SerializeWritersPerKey { get; set; }

    /// <summary>Whether this process runs the relay (a publisher-only service sets false). Default true.</summary>
    public bool RunRelay { get; set; } = true;

    /// <summary>Whether startup applies the outbox's migrations. Default true.</summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>Messages claimed per batch. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Partition keys delivered in parallel; messages of one key are always sequential. Default 8.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 8;

    /// <summary>The fallback poll that covers lost notifications. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the active relay may go unheard by the database before a standby ends its server session and takes
    /// over (a paused process, a frozen VM, a network that drops packets). The active relay makes itself heard every
    /// third of it. Default 6 s; a standby notices within its retry interval more (docs/operations.md, "Node loss").
    /// </summary>
    public TimeSpan LeaderTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Handler retries before a message goes to dead letters.</summary>
    public OutboxRetryOptions Retry { get; } = new();

    /// <summary>How long delivered messages are kept before their partition is dropped.</summary>
    public OutboxRetentionOptions Retention { get; } = new();

    /// <summary>How the change feed builds typed changes (unchanged-TOAST policy); see docs/change-feed.md.</summary>
    public ChangeFeedOptions ChangeFeed { get; } = new();

    /// <summary>The Replication relay's slot, publication, heartbeat, snapshot and write mode (<see cref="RelayMode.Replication"/>).</summary>
    public ReplicationOptions Replication { get; } = new();

    /// <summary>
    /// How a new version of a message schema must relate to the versions registered in the outbox's <c>schemas</c>
    /// table; startup refuses a schema that breaks it, naming subject, field and rule. Default
    /// <see cref="CompatibilityLevel.FullTransitive"/>: the new type reads every message any registered version wrote,
    /// and every registered version reads the new type's messages, so a rolling deploy (or a rollback) is safe in any
    /// order, also for messages kept in the outbox or replayed from dead letters (docs/schema-evolution.md). The
    /// generator's build-time check has the same default (the <c>OutboxSchemaCompatibility</c> MSBuild property).
    /// </summary>
    public CompatibilityLevel SchemaCompatibility { get; set; } = CompatibilityLevel.FullTransitive;

    /// <summary>The LISTEN/NOTIFY channel; default <c>outbox_&lt;schema&gt;</c>.</summary>
    public string? NotifyChannel { get; set; }

    /// <summary>The channel in effect.</summary>
    public string EffectiveNotifyChannel => NotifyChannel ?? "outbox_" + Schema;
}

/// <summary>Retry with exponential backoff and jitter.</summary>
public sealed class OutboxRetryOptions
{
    /// <summary>Attempts in all, the first included, before dead-lettering. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the second attempt; doubled each time. Default 100 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between attempts. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one handler may run before the attempt counts as failed. Default 30 s.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a message whose writer schema only another version of the application can read (a rolling deploy: a
    /// newer publisher, an older relay) waits for a relay that can read it before it is dead-lettered, counted by each
    /// relay from when it first met the message; <see cref="Timeout.InfiniteTimeSpan"/> waits for good. The wait
    /// consumes no attempts. Default 1 hour (docs/schema-evolution.md, "Rolling deploys").
    /// </summary>
    public TimeSpan UnreadableSchemaTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a leading relay waits on a message it cannot read (above) before it steps down — releases the leader
    /// lock or the slot and stands by for a few seconds — so that a standby of a version that can read it takes over.
    /// Default 10 s.
    /// </summary>
    public TimeSpan UnreadableSchemaStepDownAfter { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Retention by dropping time partitions of the messages table.</summary>
public sealed class OutboxRetentionOptions
{
    /// <summary>Delivered messages older than this are removed with their partition. Default 7 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The span of one partition. Default 1 day.</summary>
    public TimeSpan PartitionInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the retention job runs. Default 1 hour.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);
}
