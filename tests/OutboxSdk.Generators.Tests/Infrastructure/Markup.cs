using Microsoft.CodeAnalysis.Text;

namespace OutboxSdk.Generators.Tests.Infrastructure;

/// <summary>Test source with the span a diagnostic must point at written as <c>[|…|]</c> (Roslyn's test markup).</summary>
internal static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new ArgumentException("the source marks no span with [| |]", nameof(markup));
        }

        var source = markup.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
