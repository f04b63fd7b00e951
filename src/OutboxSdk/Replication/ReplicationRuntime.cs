using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Relay;

namespace OutboxSdk.Replication;

/// <summary>
/// What the Replication relay's startup and its hosted loop share, resolved once: the names, the delivery's
/// services, the change sink, the replication connection string and the stream buffer's budget.
/// </summary>
internal sealed class ReplicationRuntime
{
    public ReplicationRuntime(IOptions<OutboxOptions> options, RelayDataSource dataSource, IServiceScopeFactory scopes, IMessageDecoder decoder,
        HandlerInvoker invoker, ReplicationState state, IChangeSink sink, TimeProvider time, ILoggerFactory? loggerFactory = null, IRelayHeartbeat? heartbeat = null)
    {
        Options = options.Value;
        Names = ReplicationNames.For(Options);
        Sink = sink;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Replication");
        Context = new ReplicationDeliveryContext(dataSource.Value, new ReplicationSql(Options.Schema), scopes, decoder, invoker, Options, state, heartbeat, time, Logger);

        // The data source's own connection string has no password unless Persist Security Info is set (docs/replication.md).
        ConnectionString = Options.Replication.ConnectionString ?? Options.ConnectionString ?? dataSource.Value.ConnectionString;
        Budget = new StreamBufferBudget(Options.Replication.StreamBufferBytes);
    }

    public OutboxOptions Options { get; }

    public ReplicationNames Names { get; }

    public IChangeSink Sink { get; }

    public ILogger Logger { get; }

    public ReplicationDeliveryContext Context { get; }

    public string ConnectionString { get; }

    public StreamBufferBudget Budget { get; }

    /// <summary>Creates or checks the publication and the slot (and takes the initial snapshot when one is due).</summary>
    public async Task EnsureSetupAsync(CancellationToken cancellationToken)
    {
        await Sink.InitializeAsync(Context.DataSource, cancellationToken).ConfigureAwait(false);
        await ReplicationSetup.EnsureAsync(Context.DataSource, Names, Options.Replication.SnapshotMode, Options.Replication.WriteMode, Sink.Tables,
            new SnapshotRunner(Context, Sink, ConnectionString).CreateSlotAndDeliverAsync, Logger, cancellationToken).ConfigureAwait(false);
    }
}
