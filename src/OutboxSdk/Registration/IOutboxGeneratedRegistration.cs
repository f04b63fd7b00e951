namespace OutboxSdk.Registration;

/// <summary>
/// What the OutboxSdk source generator found in one assembly at compile time: its message types, its change-feed
/// entity types and its MediatR notification handlers. The generator implements it once per assembly (class
/// <c>OutboxSdk.Generated.&lt;Assembly&gt;OutboxRegistration</c>); nothing is discovered by scanning at run time.
/// </summary>
public interface IOutboxGeneratedRegistration
{
    /// <summary>The name of the assembly the types were found in.</summary>
    string AssemblyName { get; }

    /// <summary>The assembly's <c>[OutboxMessage]</c> types.</summary>
    IReadOnlyList<OutboxMessageType> Messages { get; }

    /// <summary>The assembly's <c>[ChangeFeed]</c> entity types.</summary>
    IReadOnlyList<ChangeFeedEntityType> Entities { get; }

    /// <summary>The assembly's notification handlers, one entry per handled notification type.</summary>
    IReadOnlyList<NotificationHandlerType> Handlers { get; }

    /// <summary>
    /// Adds every handler as <c>INotificationHandler&lt;T&gt;</c> (transient, through <c>TryAddEnumerable</c>, so
    /// registering twice does not run a handler twice). Called by
    /// <see cref="OutboxRegistrationExtensions.AddOutboxTypes"/>, which also adds the mediator and the registry.
    /// </summary>
    void AddHandlers(IServiceCollection services);
}
