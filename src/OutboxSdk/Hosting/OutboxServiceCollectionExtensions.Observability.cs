using OutboxSdk;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// The relay heartbeat, the backlog probe and monitor (feeding the <c>outbox.backlog</c> gauges on a timer), and
    /// the <c>outbox</c> health check.
    /// </summary>
    static partial void AddObservability(IServiceCollection services)
    {
        services.AddOptions<OutboxHealthOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxHealthOptions>, OutboxHealthOptionsValidator>());
        services.TryAddSingleton<RelayLiveness>();
        services.TryAddSingleton<IRelayHeartbeat>(static provider => provider.GetRequiredService<RelayLiveness>());
        services.TryAddSingleton<IBacklogProbe>(static provider =>
            new PendingBacklogProbe(provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Schema));
        services.TryAddSingleton<BacklogMonitor>();
        services.AddHostedService<BacklogSampler>();
        if (!services.Any(static d => d.ServiceType == typeof(OutboxHealthCheck)))
        {
            services.TryAddSingleton<OutboxHealthCheck>();
            services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox");
        }
    }
}
