namespace OutboxSdk.Registration;

/// <summary>Adds what the generator found in an assembly to a service collection.</summary>
public static class OutboxRegistrationExtensions
{
    /// <summary>
    /// Adds <paramref name="registration"/> and the <see cref="OutboxTypeRegistry"/> that lists the types of every
    /// registration added. Adding the same registration twice changes nothing. The generated
    /// <c>Add&lt;Assembly&gt;OutboxTypes()</c> extension calls this. Neither a mediator nor the handlers are registered
    /// in DI: the relay creates the handlers the generator found in the delivery's scope (<see cref="NotificationDispatch"/>),
    /// so an application's own <c>AddMediatR</c> — for publishing in-process — is its own, and runs each handler once.
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
