using OutboxSdk;
using OutboxSdk.Sources.Wal;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    // The WAL source is resolved by the hosted relay loop only in Replication mode. The startup
    // service comes after the core's (migrations) so the positions table exists when the slot is set up.
    static partial void AddReplication(IServiceCollection services)
    {
        // The names need the server's database, so they are resolved at startup (ReplicationStartupService), not here.
        services.TryAddSingleton(static provider => new ReplicationNaming(provider.GetRequiredService<IOptions<OutboxOptions>>().Value,
            provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("OutboxSdk.Replication")));
        services.TryAddSingleton<ReplicationState>();
        // With [ChangeFeed] entities registered, their changes come through the router; its connection is opened
        // where the engine starts (IChangeSink.InitializeAsync), not here.
        services.TryAddSingleton<IChangeSink>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
            var logger = (provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("OutboxSdk.ChangeFeed");
            var entities = ChangeFeedExclusion.Apply(TypesOf(provider).Entities, options.ChangeFeed.ExcludedEntities, logger);
            return entities.Count == 0
                ? NoChangeSink.Instance
                : new ChangeFeedSink(entities, options, provider.GetRequiredService<ReplicationNaming>(), logger);
        });
        services.TryAddSingleton<ReplicationRuntime>();

        // Before AddObservability's Notify probe (TryAdd: the first registration wins), chosen by the relay mode.
        services.TryAddSingleton<IBacklogProbe>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
            return options.RelayMode == RelayMode.Replication
                ? new ReplicationBacklogProbe(options.Schema, provider.GetRequiredService<ReplicationNaming>())
                : new PendingBacklogProbe(options.Schema);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationStartupService>());
        services.TryAddSingleton<WalSource>();
        AddReplicationOperations(services);
    }
}
