using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Model;

/// <summary>A class that implements MediatR's <c>INotificationHandler&lt;T&gt;</c>, and what was wrong with it.</summary>
internal sealed record HandlerSpec
{
    /// <summary>The handler as <c>global::Ns.Outer.Name</c>.</summary>
    public required string FullyQualifiedName { get; init; }

    /// <summary>The notification types it handles, in the order its interfaces list them.</summary>
    public EquatableArray<HandledNotification> Notifications { get; init; }

    public EquatableArray<DiagnosticInfo> Diagnostics { get; init; }

    /// <summary>False for a handler the generated code cannot name (open generic, private nested): it is reported, not registered.</summary>
    public bool CanRegister { get; init; }
}

/// <summary>One <c>T</c> of a handler's <c>INotificationHandler&lt;T&gt;</c>.</summary>
/// <param name="FullyQualifiedName">The notification type as <c>global::Ns.Name</c>.</param>
/// <param name="IsOutboxType">True when the type, or one of its type arguments, is an [OutboxMessage] or [ChangeFeed] type.</param>
internal sealed record HandledNotification(string FullyQualifiedName, bool IsOutboxType);

/// <summary>What the registration needs of an annotated root: far less than its <see cref="TypeSpec"/>, so a field edit elsewhere leaves it cached.</summary>
internal sealed record RegisteredType
{
    public required string FullyQualifiedName { get; init; }

    public RootKind Kind { get; init; }

    public string? Subject { get; init; }

    public string? Table { get; init; }

    public int ReplicaIdentity { get; init; }

    /// <summary>The [PartitionKey] member and its type, or null.</summary>
    public string? PartitionKeyMember { get; init; }

    public TypeRef? PartitionKeyType { get; init; }
}

/// <summary>The compilation facts the registration depends on.</summary>
/// <param name="AssemblyName">The assembly being compiled.</param>
/// <param name="IsEnabled">True when the compilation references DI abstractions, MediatR and the OutboxSdk runtime.</param>
/// <param name="AssemblyName">The compilation's assembly.</param>
/// <param name="IsEnabled">DI and the OutboxSdk runtime are referenced: the registration can be emitted.</param>
/// <param name="HasMediatR">MediatR's <c>INotificationHandler&lt;T&gt;</c> is referenced: handlers can be registered and
/// called, through code compiled here against the application's own MediatR. Without it (a publisher-only project)
/// the registration lists the types and registers no handler.</param>
internal sealed record RegistrationTarget(string AssemblyName, bool IsEnabled, bool HasMediatR);
