using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Tests.Infrastructure;

namespace OutboxSdk.Generators.Tests.Diagnostics;

internal static class DiagnosticAssert
{
    /// <summary>
    /// Runs the generator over <paramref name="markup"/> and asserts that exactly one <paramref name="id"/> is
    /// reported, with <paramref name="severity"/>, at the marked span, and that its message has every one of
    /// <paramref name="words"/>. Returns the run for further checks.
    /// </summary>
    public static GeneratorRun Reports(string id, DiagnosticSeverity severity, string markup, params string[] words)
    {
        var (source, span) = Markup.Parse(markup);
        var run = GeneratorHarness.Run(source);
        var matching = run.Reported.Where(d => d.Id == id).ToList();
        var diagnostic = Assert.Single(matching);

        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(source.Substring(span.Start, span.Length), source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var word in words)
        {
            Assert.Contains(word, message, StringComparison.Ordinal);
        }

        Assert.EndsWith("/docs/diagnostics/" + id + ".md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        return run;
    }

    /// <summary>Asserts the generator reports nothing the user would see for <paramref name="source"/>.</summary>
    public static void None(string source, string? id = null)
    {
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Reported.Where(d => id is null || d.Id == id).Select(d => d.ToString()));
    }
}
