using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboxSdk.Replication;

namespace OutboxSdk.Hosting;

public static partial class OutboxServiceCollectionExtensions
{
    // Always registered, like the Notify relay: both idle unless RunRelay is set and RelayMode is theirs. The startup
    // service comes after the core's (migrations) so the positions table exists when the slot is set up.
    static partial void AddReplication(IServiceCollection services)
    {
        services.TryAddSingleton(static provider =>
        {
            var names = ReplicationNames.For(provider.GetRequiredService<IOptions<OutboxOptions>>().Value);
            return new ReplicationState(names.Slot, names.Publication);
        });
        services.TryAddSingleton<IChangeSink>(NoChangeSink.Instance);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationStartupService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicationRelayService>());
    }
}
