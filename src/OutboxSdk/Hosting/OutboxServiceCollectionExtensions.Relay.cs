using OutboxSdk;
using OutboxSdk.DeadLetters;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    // The delivery engine's services and the one hosted relay loop, which resolves the source of the configured mode
    // (options are only known once the container is built) and returns at once when RunRelay is false.
    static partial void AddRelay(IServiceCollection services)
    {
        services.TryAddSingleton<RelayDataSource>();
        services.TryAddSingleton(static provider => new HandlerInvoker(TypesOf(provider)));
        services.TryAddSingleton<IMessageDecoder>(static provider =>
            new SchemaRegistryMessageDecoder(provider.GetRequiredService<OutboxSdk.SchemaRegistry.OutboxSchemaRegistry>()));
        services.TryAddSingleton(static provider => new UnreadableSchemaWatch(
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Retry, provider.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<OutboxContext>();
        services.TryAddScoped<IOutboxContext>(static provider => provider.GetRequiredService<OutboxContext>());
        services.TryAddSingleton<IDeadLetters>(static provider => new DeadLetterStore(
            provider.GetRequiredService<RelayDataSource>().Value,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Schema,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.EffectiveNotifyChannel));
        services.TryAddSingleton<NotifySource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RelayHostedService>());
    }
}
