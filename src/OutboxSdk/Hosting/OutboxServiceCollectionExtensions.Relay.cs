using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboxSdk.DeadLetters;
using OutboxSdk.Registration;
using OutboxSdk.Relay;

namespace OutboxSdk.Hosting;

public static partial class OutboxServiceCollectionExtensions
{
    // The relay is always registered; it idles when OutboxOptions.RunRelay is false or the mode is not Notify,
    // because options are only known once the container is built.
    static partial void AddRelay(IServiceCollection services)
    {
        services.TryAddSingleton<RelayDataSource>();
        services.TryAddSingleton<HandlerInvoker>();
        services.TryAddSingleton<IMessageDecoder>(static provider =>
            new SchemaRegistryMessageDecoder(provider.GetRequiredService<OutboxSdk.SchemaRegistry.OutboxSchemaRegistry>()));
        services.TryAddScoped<OutboxContext>();
        services.TryAddScoped<IOutboxContext>(static provider => provider.GetRequiredService<OutboxContext>());
        services.TryAddSingleton<IDeadLetters>(static provider => new DeadLetterStore(
            provider.GetRequiredService<RelayDataSource>().Value,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Schema,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.EffectiveNotifyChannel));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelayService>());
    }
}
