using OutboxSdk;
using OutboxSdk.Sources.Wal;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    // The WAL source is resolved by the hosted relay loop only in Replication mode. The startup
    // service comes after the core's (migrations) so the positions table exists when the slot is set up.
    static partial void AddReplication(IServiceCollection services)
    {
        services.TryAddSingleton(static provider =>
        {
            var names = ReplicationNames.For(provider.GetRequiredService<IOptions<OutboxOptions>>().Value);
            return new ReplicationState(names.Slot, names.Publication);
        });
        // With [ChangeFeed] entities registered, their changes come through the router; its connection is opened
        // where the engine starts (IChangeSink.InitializeAsync), not here.
        services.TryAddSingleton<IChangeSink>(static provider =>
        {
            var entities = TypesOf(provider).Entities;
            return entities.Count == 0
                ? NoChangeSink.Instance
                : new ChangeFeedSink(entities, provider.GetRequiredService<IOptions<OutboxOptions>>().Value,
                    (provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("OutboxSdk.ChangeFeed"));
        });
        services.TryAddSingleton<ReplicationRuntime>();

        // Before AddObservability's Notify probe (TryAdd: the first registration wins), chosen by the relay mode.
        services.TryAddSingleton<IBacklogProbe>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<OutboxOptions>>().Value;
            return options.RelayMode == RelayMode.Replication
                ? new ReplicationBacklogProbe(options.Schema, ReplicationNames.For(options).Slot)
                : new PendingBacklogProbe(options.Schema);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationStartupService>());
        services.TryAddSingleton<WalSource>();
        AddReplicationOperations(services);
    }
}
