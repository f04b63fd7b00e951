using MediatR;

namespace OutboxSdk.Registration;

/// <summary>Adds what the generator found in an assembly to a service collection.</summary>
public static class OutboxRegistrationExtensions
{
    /// <summary>
    /// Adds the handlers of <paramref name="registration"/>, MediatR's <see cref="IMediator"/> and
    /// <see cref="ServiceFactory"/> unless the application registered its own, and the <see cref="OutboxTypeRegistry"/>
    /// that lists the types of every registration added. Adding the same registration twice changes nothing.
    /// The generated <c>Add&lt;Assembly&gt;OutboxTypes()</c> extension calls this.
    /// </summary>
    public static IServiceCollection AddOutboxTypes(this IServiceCollection services, IOutboxGeneratedRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registration);
        if (IsAdded(services, registration))
        {
            return services;
        }

        services.AddSingleton(registration);
        registration.AddHandlers(services);

        // Scoped, as MediatR's own DI package registers them: the factory resolves handlers from the scope the
        // mediator was resolved in, so a handler's scoped dependencies (a DbContext, a connection) are the scope's.
        services.TryAddScoped<ServiceFactory>(static provider => provider.GetService!);
        services.TryAddScoped<IMediator, Mediator>();
        services.TryAddSingleton(static provider => new OutboxTypeRegistry(provider.GetServices<IOutboxGeneratedRegistration>()));
        return services;
    }

    private static bool IsAdded(IServiceCollection services, IOutboxGeneratedRegistration registration)
    {
        foreach (var descriptor in services)
        {
            // ImplementationInstance throws on keyed descriptors, so they are skipped first.
            if (!descriptor.IsKeyedService && descriptor.ServiceType == typeof(IOutboxGeneratedRegistration)
                && descriptor.ImplementationInstance?.GetType() == registration.GetType())
            {
                return true;
            }
        }

        return false;
    }
}
