using System.Collections.Concurrent;
using System.Reflection;

namespace OutboxSdk.Delivery;

/// <summary>
/// A handler's name in the inbox and in dead letters: its <see cref="OutboxHandlerAttribute"/>'s, else its class's full
/// name. Read once per class.
/// </summary>
internal static class HandlerIdentity
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    public static string Of(Type handler) => Names.GetOrAdd(handler, static type =>
        type.GetCustomAttribute<OutboxHandlerAttribute>(inherit: false) is { } named
            ? string.IsNullOrWhiteSpace(named.Name)
                ? throw new InvalidOperationException($"[OutboxHandler] on {type.FullName} has an empty name: give the handler a stable name, e.g. [OutboxHandler(\"billing.send-invoice\")], or remove the attribute to use the class's full name.")
                : named.Name
            : type.FullName ?? type.Name);

    /// <summary>Throws when two of <paramref name="handlers"/> (the handlers of <paramref name="notification"/>) have one name: the inbox would take one's work for the other's.</summary>
    public static void EnsureDistinct(Type notification, IEnumerable<Type> handlers)
    {
        var seen = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            var name = Of(handler);
            if (seen.TryGetValue(name, out var other) && other != handler)
            {
                throw new InvalidOperationException(
                    $"The handlers {other.FullName} and {handler.FullName} of {notification.FullName} have the same name '{name}' in the inbox, so one's deliveries would count as the other's: give each its own [OutboxHandler(\"...\")] name.");
            }

            seen[name] = handler;
        }
    }
}
