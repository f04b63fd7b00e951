using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Diagnostics;

namespace OutboxSdk.Generators.Tests.Diagnostics;

/// <summary>
/// The diagnostics catalogue, its release tracking and its documentation agree: every id has a page under
/// docs/diagnostics that its help link points to, a row in the docs index, and a row in AnalyzerReleases.
/// </summary>
public sealed class CatalogueTests
{
    public static TheoryData<string> Ids => [.. DiagnosticDescriptors.Catalogue.Select(d => d.Id).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_diagnostic_has_its_page_and_its_release_row(string id)
    {
        var descriptor = DiagnosticDescriptors.ById(id);
        var page = Path.Combine(Repository, "docs", "diagnostics", id + ".md");

        Assert.True(File.Exists(page), $"add docs/diagnostics/{id}.md (see docs/diagnostics/README.md)");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", text, StringComparison.Ordinal);
        Assert.Contains($"**Severity:** {descriptor.DefaultSeverity}", text, StringComparison.Ordinal);
        Assert.Equal(descriptor.DefaultSeverity == DiagnosticSeverity.Warning, text.Contains("## How to suppress it", StringComparison.Ordinal));
        Assert.Equal($"https://github.com/outboxsdk/outboxsdk/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);

        var index = File.ReadAllText(Path.Combine(Repository, "docs", "diagnostics", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |", index, StringComparison.Ordinal);

        var releases = File.ReadAllText(Path.Combine(Repository, "generators", "OutboxSdk.Generators", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | OutboxSdk | {descriptor.DefaultSeverity} | {descriptor.Title}", releases, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_belongs_to_a_diagnostic()
    {
        var pages = Directory.EnumerateFiles(Path.Combine(Repository, "docs", "diagnostics"), "OBX*.md").Select(Path.GetFileNameWithoutExtension);

        Assert.All(pages, id => Assert.Contains(DiagnosticDescriptors.Catalogue, d => d.Id == id));
    }

    private static string Repository => FindRepository();

    private static string FindRepository([CallerFilePath] string sourceFile = "")
    {
        for (var directory = Path.GetDirectoryName(sourceFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "OutboxSdk.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("OutboxSdk.sln not found above " + sourceFile);
    }
}
