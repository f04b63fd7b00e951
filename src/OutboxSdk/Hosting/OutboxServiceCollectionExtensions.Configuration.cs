using Microsoft.Extensions.Configuration;
using OutboxSdk;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers the outbox with its options bound from configuration, typically
    /// <c>services.AddOutbox(builder.Configuration.GetSection("Outbox"))</c>: every <see cref="OutboxOptions"/> value
    /// (<c>ConnectionString</c>, <c>Schema</c>, <c>RelayMode</c>, <c>PollInterval</c>, <c>Retry</c>, <c>Retention</c>,
    /// <c>Replication</c>, <c>ChangeFeed</c>, ...) by its property name, and the health check's thresholds
    /// (<see cref="OutboxHealthOptions"/>) from the sub-section <c>Health</c>. Settings made in code
    /// (the overload with an <see cref="Action{OutboxOptions}"/>) run after the binding, so code overrides configuration
    /// and can set what configuration cannot hold: a <see cref="OutboxOptions.DataSource"/> or a password provider. A value that does not convert, or that the startup
    /// validation rejects, is reported with its configuration key (for example <c>Outbox:Retry:MaxAttempts</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, e.g. <c>configuration.GetSection("Outbox")</c>.</param>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOutbox(configuration, configure: null);

    /// <summary>
    /// As <see cref="AddOutbox(IServiceCollection, IConfiguration)"/>, then <paramref name="configure"/>: code overrides configuration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, e.g. <c>configuration.GetSection("Outbox")</c>.</param>
    /// <param name="configure">Settings applied after the configuration's.</param>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration, Action<OutboxOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Bound before AddOutbox registers the code's Configure: options are built in registration order.
        services.AddOptions<OutboxOptions>().Bind(configuration);
        services.AddOptions<OutboxHealthOptions>().Bind(configuration.GetSection(OutboxConfigurationBinding.HealthSection));
        services.AddSingleton(new OutboxConfigurationBinding(configuration));
        return services.AddOutbox(configure);
    }
}
