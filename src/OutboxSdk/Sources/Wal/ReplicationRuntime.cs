using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// What the Replication relay's startup and its hosted loop share, resolved once: the names, the delivery's
/// services, the change sink, the replication connections and the stream buffer's budget.
/// </summary>
internal sealed class ReplicationRuntime
{
    public ReplicationRuntime(IOptions<OutboxOptions> options, RelayDataSource dataSource, IServiceScopeFactory scopes, IMessageDecoder decoder,
        HandlerInvoker invoker, ReplicationState state, IChangeSink sink, TimeProvider time, ILoggerFactory? loggerFactory = null, IRelayHeartbeat? heartbeat = null,
        UnreadableSchemaWatch? unreadable = null)
    {
        Options = options.Value;
        RelayConnections = dataSource;
        Unreadable = unreadable ?? new UnreadableSchemaWatch(Options.Retry, time);
        _naming = state.Naming;
        Sink = sink;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Replication");
        Context = new WalDeliveryContext(
            dataSource.Value, new ReplicationSql(Options.Schema), new HandlerRunner(scopes, decoder, invoker, Options, time, Logger),
            new FailurePolicy(Options.Retry, Logger, Unreadable), new DeliveryWriter(Options.Schema), new DeliveryTransaction(dataSource.Value, Logger),
            Options, state, heartbeat, time, Logger);

        // The data source's own connection string has no password unless Persist Security Info is set; the password
        // provider fills it in (docs/security.md).
        Connections = new ReplicationConnectionFactory(
            dataSource.Tagged(Options.Replication.ConnectionString ?? Options.RelayConnectionString ?? Options.ConnectionString ?? dataSource.Value.ConnectionString),
            Options.Replication.PasswordProvider);
        Budget = new StreamBufferBudget(Options.Replication.StreamBufferBytes);
    }

    /// <summary>The relay's connections (the pool <see cref="Context"/> delivers on, and the transaction-pooler probe).</summary>
    public RelayDataSource RelayConnections { get; }

    public OutboxOptions Options { get; }

    private readonly ReplicationNaming _naming;

    /// <summary>The names, resolved at startup (<see cref="ReplicationNaming"/>).</summary>
    public ReplicationNames Names => _naming.Names;

    public IChangeSink Sink { get; }

    public ILogger Logger { get; }

    public WalDeliveryContext Context { get; }

    /// <summary>Messages the stream waits on because only another version can read them; decides when to step down.</summary>
    public UnreadableSchemaWatch Unreadable { get; }

    public ReplicationConnectionFactory Connections { get; }

    public StreamBufferBudget Budget { get; }

    /// <summary>Creates or checks the publication and the slot (and takes the initial snapshot when one is due).</summary>
    public async Task EnsureSetupAsync(CancellationToken cancellationToken)
    {
        await Sink.InitializeAsync(Context.DataSource, cancellationToken).ConfigureAwait(false);
        try
        {
            await ReplicationSetup.EnsureAsync(Context.DataSource, Names, Options.Replication.SnapshotMode, Options.Replication.WriteMode, Sink.Tables,
                new SnapshotRunner(Context, Sink, Connections).CreateSlotAndDeliverAsync, Logger, cancellationToken, Options.Replication.FailoverSlot).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // A least-privileged relay role meets what only the tables' owner or a superuser may do: say which script does it.
            var tables = string.Concat(Sink.Tables.Select(t => $" --change-table {t.Schema}.{t.Table}"));
            throw new InvalidOperationException(
                $"The Replication relay's role may not set up the publication '{Names.Publication}' or the slot '{Names.Slot}' ({e.MessageText}). "
                + $"As the owner of the outbox tables run the SQL of 'outbox script --roles --replication --schema {Names.Schema} --relay <this role>{tables}"
                + (Options.Replication.PublicationName is null ? "" : $" --publication {Names.Publication}")
                + "', and as a superuser give the role the REPLICATION attribute (ALTER ROLE ... REPLICATION); see docs/security.md.", e);
        }
    }
}
