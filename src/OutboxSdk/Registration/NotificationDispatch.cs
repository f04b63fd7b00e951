namespace OutboxSdk.Registration;

/// <summary>
/// How the runtime finds and calls the handlers of one notification type, compiled by the generator in the
/// application's own assembly against the application's own MediatR: the runtime itself references no MediatR API
/// beyond <c>INotification</c>, so an application chooses its MediatR version (12.x) freely. The handlers are the
/// classes the generator found (created in the delivery's scope, or resolved when the application registered them
/// itself), then any other handler of the type registered in DI; each handler class is called once, however many
/// times it is registered (an application's <c>AddMediatR</c> registers the same classes again).
/// </summary>
public sealed class NotificationDispatch
{
    private readonly Func<IServiceProvider, IEnumerable<object>> _registered;
    private readonly Func<object, object, CancellationToken, Task> _handle;

    // One factory per handler class, made at its first delivery and kept: creating a handler is on every delivery's
    // path, and ActivatorUtilities.CreateInstance would look for its constructor by reflection each time. (Made lazily,
    // so a class it cannot create fails where it always did, at its delivery.) A race makes the same factory twice.
    private readonly ObjectFactory?[] _factories;

    private NotificationDispatch(Type notificationType, IReadOnlyList<Type> handlerTypes, Func<IServiceProvider, IEnumerable<object>> registered, Func<object, object, CancellationToken, Task> handle)
    {
        NotificationType = notificationType;
        HandlerTypes = handlerTypes;
        _registered = registered;
        _handle = handle;
        _factories = new ObjectFactory?[handlerTypes.Count];
    }

    /// <summary>The notification type whose handlers this finds.</summary>
    public Type NotificationType { get; }

    /// <summary>The handler classes found at compile time, in the order they are called.</summary>
    public IReadOnlyList<Type> HandlerTypes { get; }

    /// <summary>Called by generated code.</summary>
    /// <param name="handlerTypes">The handler classes of <typeparamref name="T"/> the generator found.</param>
    /// <param name="registered">The handlers of <typeparamref name="T"/> registered in a service provider (the application's own registrations).</param>
    /// <param name="handle">Calls one handler with a notification.</param>
    public static NotificationDispatch Create<T>(Type[] handlerTypes, Func<IServiceProvider, IEnumerable<object>> registered, Func<object, T, CancellationToken, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handlerTypes);
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(handle);
        return new NotificationDispatch(typeof(T), handlerTypes, registered, (handler, notification, cancellationToken) => handle(handler, (T)notification, cancellationToken));
    }

    /// <summary>The same dispatch with only the handler classes <paramref name="keep"/> accepts (a module's share of an assembly).</summary>
    public NotificationDispatch Where(Func<Type, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return new NotificationDispatch(NotificationType, [.. HandlerTypes.Where(keep)], services => _registered(services).Where(h => keep(h.GetType())), _handle);
    }

    /// <summary>
    /// This dispatch with <paramref name="other"/>'s handler classes too (two registrations that know handlers of one type:
    /// two assemblies, or an application's generated registration and an optional package's). Both resolve the same
    /// registered handlers and call them through the same <c>INotificationHandler&lt;T&gt;</c>.
    /// </summary>
    internal NotificationDispatch Merge(NotificationDispatch other) =>
        other.HandlerTypes.All(HandlerTypes.Contains) ? this
            : new NotificationDispatch(NotificationType, [.. HandlerTypes.Union(other.HandlerTypes)], _registered, _handle);

    /// <summary>The handlers in <paramref name="services"/> (a delivery's scope): each handler class once.</summary>
    public IEnumerable<object> Resolve(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var seen = new HashSet<Type>();
        for (var i = 0; i < HandlerTypes.Count; i++)
        {
            var type = HandlerTypes[i];
            if (seen.Add(type))
            {
                // As ActivatorUtilities.GetServiceOrCreateInstance: the application's own registration of the class first.
                yield return services.GetService(type) ?? (_factories[i] ??= ActivatorUtilities.CreateFactory(type, Type.EmptyTypes))(services, null);
            }
        }

        foreach (var handler in _registered(services))
        {
            if (handler is not null && seen.Add(handler.GetType()))
            {
                yield return handler;
            }
        }
    }

    /// <summary>Calls <paramref name="handler"/> (one of <see cref="Resolve"/>'s) with <paramref name="notification"/>.</summary>
    public Task Handle(object handler, object notification, CancellationToken cancellationToken) => _handle(handler, notification, cancellationToken);
}
