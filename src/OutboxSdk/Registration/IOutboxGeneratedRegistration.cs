namespace OutboxSdk.Registration;

/// <summary>
/// What the OutboxSdk source generator found in one assembly at compile time: its message types, its change-feed
/// entity types, its MediatR notification handlers and how to call them. The generator implements it once per assembly (class
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

    /// <summary>How to find and call the handlers of each notification type, compiled against the application's MediatR.</summary>
    IReadOnlyList<NotificationDispatch> Dispatches { get; }
}
