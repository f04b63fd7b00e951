using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OutboxSdk.Generators.Analyzers;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Registration.Tests;

namespace OutboxSdk.Generators.Tests.Diagnostics;

/// <summary>
/// The example under "When it is reported" on each docs/diagnostics page — the page's first <c>```csharp</c> block —
/// reports the diagnostic the page is about when the generator and the analyzer run over it, as a project that
/// references OutboxSdk, MediatR and Npgsql would compile it (with the usings every example assumes: System and its
/// collections and tasks, MediatR, Npgsql, OutboxSdk). The guides' blocks are compiled against the packed packages
/// instead (DocSnippetTests in OutboxSdk.Packaging.Tests).
/// </summary>
public sealed partial class DiagnosticPageTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MediatR;
        using Npgsql;
        using OutboxSdk;

        """;

    // Reported against committed schemas/*.avsc history, which a code block cannot carry: Evolution/ tests cover them.
    private static readonly string[] NeedSchemaHistory = ["OBX1040", "OBX1041", "OBX1042", "OBX1043", "OBX1044"];

    public static TheoryData<string> Ids => [.. DiagnosticDescriptors.Catalogue.Select(d => d.Id).Except(NeedSchemaHistory).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task The_pages_example_reports_its_diagnostic(string id)
    {
        var page = File.ReadAllText(Path.Combine(Repository(), "docs", "diagnostics", id + ".md"));
        var example = FirstCSharpBlock().Match(page);
        Assert.True(example.Success, $"docs/diagnostics/{id}.md has no ```csharp example");

        var run = GeneratorHarness.Run(Usings + example.Groups["code"].Value, references: [.. GeneratorHarness.All, TestSupport.SourceGeneratorHarness.Of(typeof(Npgsql.NpgsqlTransaction))]);
        var analyzed = await run.Output.WithAnalyzers([new PublishAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var reported = run.Reported.Concat(analyzed).Select(d => d.Id).Where(i => i.StartsWith("OBX", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(reported.Contains(id), $"docs/diagnostics/{id}.md's example reports [{string.Join(", ", reported)}], not {id}");
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FirstCSharpBlock();

    private static string Repository([CallerFilePath] string sourceFile = "")
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
