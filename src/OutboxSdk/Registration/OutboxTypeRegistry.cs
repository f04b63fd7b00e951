namespace OutboxSdk.Registration;

/// <summary>
/// Every message type, change-feed entity type and notification handler the application registered, gathered
/// from the generated registrations of each assembly (<see cref="IOutboxGeneratedRegistration"/>). A singleton in
/// DI; the runtime resolves subjects, tables and CLR types through it.
/// </summary>
public sealed class OutboxTypeRegistry
{
    private readonly Dictionary<string, OutboxMessageType> _bySubject = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChangeFeedEntityType> _byTable = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, OutboxMessageType> _messagesByType = [];
    private readonly Dictionary<Type, ChangeFeedEntityType> _entitiesByType = [];
    private readonly Dictionary<Type, NotificationDispatch> _dispatches = [];

    /// <summary>Gathers the types of <paramref name="registrations"/>.</summary>
    /// <exception cref="InvalidOperationException">Two assemblies use one subject, or map one table.</exception>
    public OutboxTypeRegistry(IEnumerable<IOutboxGeneratedRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var assemblies = new List<string>();
        var handlers = new List<NotificationHandlerType>();
        foreach (var registration in registrations.DistinctBy(r => r.GetType()))
        {
            assemblies.Add(registration.AssemblyName);
            foreach (var message in registration.Messages)
            {
                // One assembly cannot repeat a subject (the generator reports OBX1003); two assemblies can, and a
                // subject that names two types would deliver one type's bytes to the other's handlers.
                if (!_bySubject.TryAdd(message.Subject, message) && _bySubject[message.Subject].ClrType != message.ClrType)
                {
                    throw new InvalidOperationException($"The subject '{message.Subject}' is used by both {_bySubject[message.Subject].ClrType} and {message.ClrType}: each message type needs its own subject.");
                }

                _messagesByType.TryAdd(message.ClrType, message);
            }

            foreach (var entity in registration.Entities)
            {
                if (!_byTable.TryAdd(entity.Table, entity) && _byTable[entity.Table].ClrType != entity.ClrType)
                {
                    throw new InvalidOperationException($"The table '{entity.Table}' is mapped by both {_byTable[entity.Table].ClrType} and {entity.ClrType}: map each table once.");
                }

                _entitiesByType.TryAdd(entity.ClrType, entity);
            }

            handlers.AddRange(registration.Handlers);
            foreach (var dispatch in registration.Dispatches)
            {
                // Every dispatch of a type resolves the same registered handlers; the handler classes each found are joined.
                _dispatches[dispatch.NotificationType] = _dispatches.TryGetValue(dispatch.NotificationType, out var known) ? known.Merge(dispatch) : dispatch;
            }
        }

        foreach (var dispatch in _dispatches.Values)
        {
            OutboxSdk.Delivery.HandlerIdentity.EnsureDistinct(dispatch.NotificationType, dispatch.HandlerTypes);
        }

        Assemblies = assemblies;
        Messages = [.. _bySubject.Values];
        Entities = [.. _byTable.Values];
        Handlers = [.. handlers.Distinct()];
    }

    /// <summary>The assemblies whose generated registrations were added, in the order they were added.</summary>
    public IReadOnlyList<string> Assemblies { get; }

    /// <summary>Every registered message type.</summary>
    public IReadOnlyList<OutboxMessageType> Messages { get; }

    /// <summary>Every registered change-feed entity type.</summary>
    public IReadOnlyList<ChangeFeedEntityType> Entities { get; }

    /// <summary>Every registered handler, one entry per handled notification type.</summary>
    public IReadOnlyList<NotificationHandlerType> Handlers { get; }

    /// <summary>How to find and call the handlers of <paramref name="notificationType"/>, or null when no assembly knows any.</summary>
    public NotificationDispatch? FindDispatch(Type notificationType) => _dispatches.GetValueOrDefault(notificationType);

    /// <summary>The message type with <paramref name="subject"/>, or null.</summary>
    public OutboxMessageType? FindMessage(string subject) => _bySubject.GetValueOrDefault(subject);

    /// <summary>The message type for <paramref name="clrType"/>, or null when it is not a registered message.</summary>
    public OutboxMessageType? FindMessage(Type clrType) => _messagesByType.GetValueOrDefault(clrType);

    /// <summary>The entity type mapped to <paramref name="table"/> (as written in its attribute), or null.</summary>
    public ChangeFeedEntityType? FindEntity(string table) => _byTable.GetValueOrDefault(table);

    /// <summary>The entity type for <paramref name="clrType"/>, or null when it is not a registered entity.</summary>
    public ChangeFeedEntityType? FindEntity(Type clrType) => _entitiesByType.GetValueOrDefault(clrType);
}
