using OutboxSdk;
using OutboxSdk.Sources.Wal;
using OutboxSdk.Operations;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    // The slot monitor (gauges, health) and its sampler; both idle unless RelayMode is Replication.
    private static void AddReplicationOperations(IServiceCollection services)
    {
        services.TryAddSingleton<SlotMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlotSampler>());
    }
}
