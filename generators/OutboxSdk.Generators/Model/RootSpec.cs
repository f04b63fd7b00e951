using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Model;

/// <summary>One annotated type with every type it reaches (itself first), and what was wrong with them.</summary>
internal sealed record RootSpec
{
    public required TypeSpec Root { get; init; }

    /// <summary>The root and every record and enum it reaches, in schema definition order.</summary>
    public EquatableArray<TypeSpec> Types { get; init; }

    public EquatableArray<DiagnosticInfo> Diagnostics { get; init; }

    /// <summary>Where the root is declared, for diagnostics reported across roots.</summary>
    public DiagnosticInfo? Location { get; init; }

    /// <summary>False when a diagnostic is an error: nothing is emitted for the root.</summary>
    public bool CanEmit { get; init; }
}
