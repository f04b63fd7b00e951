using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Registration;

namespace OutboxSdk.TestSupport;

/// <summary>
/// The share of one area of a test assembly in the assembly's generated registration: the message types, entities and
/// handlers declared in the area's namespaces. A test project holds the tests of several areas, each written as if its
/// types were the application's only ones (a relay subscribes to every registered entity's table, a registry test lists
/// every type); so an area's hosts register its share, as the area's own assembly once did.
/// </summary>
public sealed class AreaRegistration : IOutboxGeneratedRegistration
{
    private readonly string[] _namespaces;

    private AreaRegistration(IOutboxGeneratedRegistration assembly, string[] namespaces)
    {
        _namespaces = namespaces;
        AssemblyName = assembly.AssemblyName;
        Messages = [.. assembly.Messages.Where(m => InArea(m.ClrType))];
        Entities = [.. assembly.Entities.Where(e => InArea(e.ClrType))];
        Handlers = [.. assembly.Handlers.Where(h => InArea(h.HandlerType))];
        Dispatches = [.. assembly.Dispatches.Select(d => d.Where(InArea))];
    }

    /// <summary>The types of <paramref name="assembly"/> in <paramref name="namespaces"/> or namespaces within them.</summary>
    public static AreaRegistration Of(IOutboxGeneratedRegistration assembly, params string[] namespaces) => new(assembly, namespaces);

    public string AssemblyName { get; }

    public IReadOnlyList<OutboxMessageType> Messages { get; }

    public IReadOnlyList<ChangeFeedEntityType> Entities { get; }

    public IReadOnlyList<NotificationHandlerType> Handlers { get; }

    /// <summary>The assembly's, each with the area's handler classes only.</summary>
    public IReadOnlyList<NotificationDispatch> Dispatches { get; }

    private bool InArea(Type type)
    {
        var name = type.Namespace ?? "";
        return _namespaces.Any(n => name == n || name.StartsWith(n + ".", StringComparison.Ordinal));
    }
}
