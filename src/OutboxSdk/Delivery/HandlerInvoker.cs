using OutboxSdk.Registration;

namespace OutboxSdk.Delivery;

/// <summary>
/// Finds and calls a message's or change's handlers the way MediatR's notification publish does (the scope's
/// registered handlers, one after another), but one at a time, so the engine can skip a handler the inbox says
/// already ran and record an inbox row for each handler that used the context. The finding and calling is code the
/// generator compiled in the application against its own MediatR (<see cref="NotificationDispatch"/>).
/// </summary>
internal sealed class HandlerInvoker(OutboxTypeRegistry registry)
{
    /// <summary>The handlers registered in <paramref name="services"/> for <paramref name="message"/>'s type.</summary>
    public IReadOnlyList<Handler> Resolve(IServiceProvider services, object message)
    {
        if (registry.FindDispatch(message.GetType()) is not { } dispatch)
        {
            return []; // no assembly of the application handles it
        }

        var handlers = new List<Handler>();
        var types = new List<Type>();
        foreach (var handler in dispatch.Resolve(services))
        {
            if (handler is not null)
            {
                var h = handler;
                types.Add(h.GetType());
                handlers.Add(new Handler(HandlerIdentity.Of(h.GetType()), ct => dispatch.Handle(h, message, ct)));
            }
        }

        if (types.Count > dispatch.HandlerTypes.Count)
        {
            // The application registered more in DI than the generator found (checked at startup): check them all.
            HandlerIdentity.EnsureDistinct(message.GetType(), types);
        }

        return handlers;
    }

    /// <summary>One resolved handler: its name (the inbox key, <see cref="HandlerIdentity"/>) and the call.</summary>
    internal sealed record Handler(string Name, Func<CancellationToken, Task> Handle);
}
