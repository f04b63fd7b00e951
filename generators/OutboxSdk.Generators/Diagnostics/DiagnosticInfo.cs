using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Diagnostics;

/// <summary>
/// A diagnostic as plain data: the descriptor's id, string arguments and the location split into file path and
/// spans, so the model stays equatable and holds no <see cref="Location"/>.
/// </summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        var span = location?.SourceTree is null ? default : location.SourceSpan;
        var lines = location?.GetLineSpan().Span ?? default;
        return new DiagnosticInfo(descriptor.Id, location?.SourceTree?.FilePath ?? "", span, lines, arguments.ToEquatableArray());
    }

    /// <summary>
    /// The diagnostic, located in the compilation's own syntax tree of the file: only a location in a tree is
    /// checked against <c>#pragma warning disable</c> and editorconfig severities.
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation? compilation = null)
    {
        var tree = FilePath.Length == 0 ? null : compilation?.SyntaxTrees.FirstOrDefault(t => t.FilePath == FilePath);
        var location = tree is not null && Span.End <= tree.Length ? Location.Create(tree, Span)
            : FilePath.Length == 0 ? Location.None
            : Location.Create(FilePath, Span, LineSpan);
        return Diagnostic.Create(DiagnosticDescriptors.ById(Id), location, [.. Arguments]);
    }

    public bool IsError => DiagnosticDescriptors.ById(Id).DefaultSeverity == DiagnosticSeverity.Error;
}
