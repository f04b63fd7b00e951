using System.Collections.Concurrent;
using System.Reflection;
using MediatR;

namespace OutboxSdk.Delivery;

/// <summary>
/// Finds and calls a message's <see cref="INotificationHandler{TNotification}"/>s the way MediatR 5's
/// <c>Publish</c> does (the scope's registered handlers, one after another), but one at a time, so the relay can
/// skip a handler the inbox says already ran and record an inbox row for each handler that used the context.
/// </summary>
internal sealed class HandlerInvoker
{
    private static readonly MethodInfo InvokeMethod = typeof(HandlerInvoker).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly ConcurrentDictionary<Type, Dispatch?> _dispatch = new();

    /// <summary>The handlers registered in <paramref name="services"/> for <paramref name="message"/>'s type.</summary>
    public IReadOnlyList<Handler> Resolve(IServiceProvider services, object message)
    {
        var dispatch = _dispatch.GetOrAdd(message.GetType(), Create);
        if (dispatch is null)
        {
            return [];
        }

        var handlers = new List<Handler>();
        // GetServices(Type) would build IEnumerable<INotificationHandler<T>> by reflection on every call.
        var registered = (IEnumerable<object?>?)services.GetService(dispatch.HandlersType) ?? [];
        foreach (var handler in registered)
        {
            if (handler is not null)
            {
                var h = handler;
                handlers.Add(new Handler(h.GetType().FullName ?? h.GetType().Name, ct => dispatch.Call(h, message, ct)));
            }
        }

        return handlers;
    }

    private static Dispatch? Create(Type messageType)
    {
        if (!typeof(INotification).IsAssignableFrom(messageType))
        {
            return null; // nothing can handle it through MediatR
        }

        var call = InvokeMethod.MakeGenericMethod(messageType).CreateDelegate<Func<object, object, CancellationToken, Task>>();
        return new Dispatch(typeof(IEnumerable<>).MakeGenericType(typeof(INotificationHandler<>).MakeGenericType(messageType)), call);
    }

    private static Task Invoke<T>(object handler, object message, CancellationToken cancellationToken)
        where T : INotification => ((INotificationHandler<T>)handler).Handle((T)message, cancellationToken);

    private sealed record Dispatch(Type HandlersType, Func<object, object, CancellationToken, Task> Call);

    /// <summary>One resolved handler: its name (the inbox key) and the call.</summary>
    internal sealed record Handler(string Name, Func<CancellationToken, Task> Handle);
}
