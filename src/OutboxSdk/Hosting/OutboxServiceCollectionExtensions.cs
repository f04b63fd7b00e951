using OutboxSdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The SDK's one registration call: <c>services.AddOutbox(o => ...)</c>.</summary>
public static partial class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers the outbox: options (validated at startup), migrations, the writer, the relay and its
    /// observability. Call the generated <c>Add&lt;Assembly&gt;OutboxTypes()</c> too, for the message types and handlers.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, Action<OutboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<OutboxOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        AddCore(services);
        AddRelay(services);
        AddReplication(services);
        AddObservability(services);
        AddRetention(services);
        return services;
    }

    // Each part of the runtime registers its own services in its own file.
    static partial void AddCore(IServiceCollection services);

    static partial void AddRelay(IServiceCollection services);

    static partial void AddReplication(IServiceCollection services);

    static partial void AddObservability(IServiceCollection services);

    static partial void AddRetention(IServiceCollection services);
}
