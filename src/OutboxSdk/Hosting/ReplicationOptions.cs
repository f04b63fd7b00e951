namespace OutboxSdk;

/// <summary>
/// Options of the Replication relay (<see cref="RelayMode.Replication"/>): the publication and the logical
/// replication slot it reads with pgoutput, the heartbeat that keeps an idle slot moving, the initial snapshot of
/// change-feed tables, the memory bound for streamed transactions, and how <c>IOutbox</c> writes (docs/replication.md).
/// </summary>
public sealed class ReplicationOptions
{
    /// <summary>
    /// The logical replication slot. Slots are shared by every database of the cluster, so the default holds the database:
    /// <c>outbox_&lt;schema&gt;_&lt;database&gt;_&lt;hash&gt;</c> folded to lower case with other characters replaced by
    /// <c>_</c> (Postgres allows only <c>a-z</c>, <c>0-9</c> and <c>_</c> in slot names). An outbox that already streams
    /// from a slot of this database under the default of earlier versions, <c>outbox_&lt;schema&gt;</c>, keeps it and
    /// logs a warning asking to pin it here (docs/operations.md, "Several databases on one cluster").
    /// </summary>
    public string? SlotName { get; set; }

    /// <summary>The publication over the outbox table and the change-feed tables; default <c>outbox_&lt;schema&gt;</c>.</summary>
    public string? PublicationName { get; set; }

    /// <summary>
    /// How often a heartbeat (<c>pg_logical_emit_message</c>) is written, so that an idle outbox's slot advances and
    /// does not hold back WAL that other databases of the cluster produce. Default 10 s.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether existing rows of change-feed tables are delivered as <c>read</c> events first. Default <see cref="SnapshotMode.Initial"/>.</summary>
    public SnapshotMode SnapshotMode { get; set; } = SnapshotMode.Initial;

    /// <summary>
    /// Memory, in bytes, for the changes of streamed (large, in-progress) transactions held until they commit; beyond
    /// it they spill to a temporary file. Default 64 MiB.
    /// </summary>
    public long StreamBufferBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often a standby instance tries to take over the slot while another instance streams from it. Default 2 s.</summary>
    public TimeSpan StandbyRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How <c>IOutbox</c> writes messages. Default <see cref="OutboxWriteMode.Table"/>.</summary>
    public OutboxWriteMode WriteMode { get; set; } = OutboxWriteMode.Table;

    /// <summary>
    /// The prefix of the logical decoding messages that carry outbox messages in <see cref="OutboxWriteMode.LogicalMessage"/>;
    /// default <c>outbox:&lt;schema&gt;</c>.
    /// </summary>
    public string? MessagePrefix { get; set; }

    /// <summary>Whether pgoutput sends column values in binary (PostgreSQL 14+); cheaper for bytea and uuid. Default true.</summary>
    public bool Binary { get; set; } = true;

    /// <summary>
    /// The connection string of the replication connection. When null: <see cref="OutboxOptions.ConnectionString"/>,
    /// else the data source's connection string (which, unless <c>Persist Security Info</c> is set, has no password:
    /// set <see cref="PasswordProvider"/>, or this, when the server asks for one). TLS settings (SSL Mode, Root
    /// Certificate, SSL Certificate, SSL Key) come from it as well; the data source's TLS callbacks do not.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gives the replication connection its password, asked before every replication connection opens (they are
    /// few: one per streaming session and one per snapshot). Npgsql builds replication connections from a connection
    /// string, never from the data source, so a password provider set with <c>NpgsqlDataSourceBuilder.UsePasswordProvider</c>
    /// or <c>UsePeriodicPasswordProvider</c> does not reach them: pass the same provider here (it has the same shape and
    /// receives the replication connection's settings). When null, the password is the connection string's.
    /// </summary>
    public Func<Npgsql.NpgsqlConnectionStringBuilder, CancellationToken, ValueTask<string>>? PasswordProvider { get; set; }

    /// <summary>
    /// When a lost slot is recreated (<see cref="SnapshotMode.WhenNeeded"/>), the
    /// outbox rows of the gap are delivered from the <c>messages</c> table: those whose transaction began at most this
    /// long before the last commit the old slot's stream processed. Set it above your longest transaction that
    /// publishes; messages of the margin that were delivered before come again (the inbox keeps effects written
    /// through <c>IOutboxContext</c> once). Default 15 minutes (docs/operations.md).
    /// </summary>
    public TimeSpan GapReplayMargin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The slot's retained WAL (<c>pg_current_wal_lsn() − restart_lsn</c>) above which the <c>outbox</c> health check
    /// reports Degraded and a warning is logged (docs/operations.md). Default 1 GiB.
    /// </summary>
    public long RetainedWalWarningBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Whether the slot is created as a failover slot when the server offers it (PostgreSQL 17+): a standby with
    /// <c>sync_replication_slots = on</c> keeps a synchronised copy, so after a failover (Patroni, a managed service's)
    /// the relay resumes from it on the new primary instead of finding no slot. Ignored below 17. Default true; set
    /// false where standbys should not carry the slot (docs/operations.md, "Postgres versions and HA").
    /// </summary>
    public bool FailoverSlot { get; set; } = true;
}

/// <summary>When the Replication relay delivers the existing rows of change-feed tables before streaming.</summary>
public enum SnapshotMode
{
    /// <summary>On the first start (when the slot is created); a lost slot is an error, never recreated past a gap.</summary>
    Initial,

    /// <summary>Never: only changes made after the slot was created are delivered.</summary>
    Never,

    /// <summary>
    /// As <see cref="Initial"/>, and again when the slot was lost: a new slot and a new snapshot, from which the outbox
    /// rows of the gap are delivered too (<see cref="ReplicationOptions.GapReplayMargin"/>; in the LogicalMessage write
    /// mode the gap's messages are lost, and reported so).
    /// </summary>
    WhenNeeded,
}

/// <summary>How <c>IOutbox.PublishAsync</c> writes a message.</summary>
public enum OutboxWriteMode
{
    /// <summary>A row of the <c>messages</c> table (both relay modes).</summary>
    Table,

    /// <summary>
    /// A transactional logical decoding message (<c>pg_logical_emit_message(true, prefix, payload)</c>): nothing is
    /// stored in a table; only the Replication relay can deliver it.
    /// </summary>
    LogicalMessage,
}
