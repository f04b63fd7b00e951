using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OutboxSdk.Testing;

namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// Every <c>```csharp</c> block of README.md and of the guide pages (docs/*.md) compiles, each on its own, against the
/// packed packages with warnings as errors: a block with top-level statements as the Program.cs of a brand-new console
/// project, one that only declares types as a class library. README blocks get exactly what the README tells an app to
/// reference (OutboxSdk, Microsoft.Extensions.Hosting, MediatR) and the assembly name <c>Shop.Api</c>, which the
/// README's generated call <c>AddShopApiOutboxTypes()</c> belongs to. A guide block gets every optional package
/// (EF Core, Apache.Avro, Testing, Dapper, xunit, OpenTelemetry) and, beside it, what the page's prose has already
/// introduced — the app's message type, its DbContext, <c>outbox</c>, <c>dataSource</c>, <c>builder</c> — from
/// DocContexts/&lt;page&gt;.cs, or DocContexts/Common.cs when the page has none, so a fragment compiles as written but
/// an undeclared name or a missing <c>using</c> still fails. A block that cannot compile on its own is skipped only
/// when the line right before its fence (blank lines aside) is <c>&lt;!-- not compiled: reason --&gt;</c> with a reason.
/// The pages under docs/diagnostics show code that is meant to be reported; DiagnosticPageTests
/// (OutboxSdk.Generators.Tests) checks those.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
[Collection(PackedFeed.Collection)]
public sealed partial class DocSnippetTests
{
    [Fact]
    public async Task Every_csharp_block_of_the_readme_and_the_guides_compiles_and_the_quick_start_runs()
    {
        var root = PackedFeed.RepositoryRoot();
        var pages = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal).Prepend(Path.Combine(root, "README.md")).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(9);
        using var packed = PackedFeed.Pack(deadline, "OutboxSdk.EntityFrameworkCore", "OutboxSdk.ApacheAvro", "OutboxSdk.Testing");
        var solution = new StringBuilder("<Solution>\n");
        var compiled = 0;
        string? quickStart = null;
        foreach (var page in pages)
        {
            var readme = Path.GetFileName(page) == "README.md";
            var pageName = Path.GetFileNameWithoutExtension(page);
            foreach (var block in CSharpBlocks(File.ReadAllLines(page)).Where(b => b.SkipReason is null))
            {
                // The folder names the page and the line of the fence, so a compiler error points at the block.
                var name = $"{pageName.Replace("-", "", StringComparison.Ordinal)}Line{block.Line}";
                var web = pageName == "aspnetcore"; // the Web SDK brings Microsoft.Extensions.Hosting
                packed.WriteConsumer(name, name, new ConsumerProject(block.Code)
                {
                    AssemblyName = readme ? "Shop.Api" : GuideAssemblyName(pageName),
                    Sdk = web ? "Microsoft.NET.Sdk.Web" : "Microsoft.NET.Sdk",
                    Library = !HasTopLevelStatements(block.Code),
                    Packages = readme ? [Central("Microsoft.Extensions.Hosting"), Central("MediatR")]
                        : web ? [.. GuidePackages.Where(p => p.Id != "Microsoft.Extensions.Hosting")] : GuidePackages,
                    Files = readme ? new Dictionary<string, string>() : new Dictionary<string, string> { ["DocContext.cs"] = Context(root, pageName) },
                });
                solution.Append($"  <Project Path=\"{name}/{name}.csproj\" />\n");
                compiled++;
                if (readme && block.Code.Contains("PublishAsync", StringComparison.Ordinal) && block.Code.Contains("INotificationHandler", StringComparison.Ordinal))
                {
                    quickStart = name;
                }
            }
        }

        Assert.True(compiled >= 30, $"only {compiled} blocks found: is the fence detection broken?");
        File.WriteAllText(Path.Combine(packed.Root, "docs.slnx"), solution.Append("</Solution>\n").ToString());
        DotnetProcess.Run(packed.Root, packed.Isolated, deadline, "build", "docs.slnx");

        // "Publish in your transaction, handle after commit", as a user runs it: the connection string from the
        // environment, and the handler's line on the console once the committed message is delivered.
        Assert.NotNull(quickStart);
        await using var postgres = await LocalPostgres.StartAsync();
        var environment = new Dictionary<string, string>(packed.Isolated) { ["ConnectionStrings__shop"] = postgres.ConnectionString };
        DotnetProcess.RunUntil(Path.Combine(packed.Root, quickStart), environment, deadline, "receipt for order ", "run", "--no-build");
    }

    private static readonly (string Id, string Version)[] GuidePackages =
    [
        Central("Microsoft.Extensions.Hosting"), Central("MediatR"), Central("Dapper"), Central("xunit"),
        Central("OpenTelemetry.Extensions.Hosting"), Central("OpenTelemetry.Exporter.Console"),
        ("OutboxSdk.EntityFrameworkCore", PackedFeed.Version), ("OutboxSdk.ApacheAvro", PackedFeed.Version), ("OutboxSdk.Testing", PackedFeed.Version),
    ];

    private static (string Id, string Version) Central(string id) => (id, PackedFeed.CentralVersion(id));

    /// <summary>The assembly a guide's generated <c>Add&lt;Assembly&gt;OutboxTypes()</c> call belongs to.</summary>
    private static string GuideAssemblyName(string page) => page switch
    {
        "aspnetcore" => "WebShop",   // the sample the page walks through
        "testing" => "Shop.Tests",   // a test project
        _ => "Shop.Api",
    };

    private static string Context(string root, string page)
    {
        var own = Path.Combine(root, "tests", "OutboxSdk.Packaging.Tests", "DocContexts", page + ".cs");
        return File.ReadAllText(File.Exists(own) ? own : Path.Combine(Path.GetDirectoryName(own)!, "Common.cs"));
    }

    internal static bool HasTopLevelStatements(string code) =>
        CSharpSyntaxTree.ParseText(code).GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();

    [Fact]
    public void Blocks_are_found_and_a_skip_needs_a_reason()
    {
        string[] readme =
        [
            "text", "```csharp", "var a = 1;", "```",
            "<!-- not compiled: a fragment -->", "", "```cs", "x", "```",
            "<!-- not compiled: -->", "```c#", "y", "```",
            "```sh", "ls", "```",
        ];
        var blocks = CSharpBlocks(readme);
        Assert.Equal(new (int, string, string?)[] { (2, "var a = 1;\n", null), (7, "x\n", "a fragment") }, blocks.Take(2).Select(b => (b.Line, b.Code, b.SkipReason)));
        Assert.Equal(3, blocks.Count);
        Assert.Null(blocks[2].SkipReason); // a marker without a reason does not skip
    }

    [Fact]
    public void A_block_of_declarations_only_is_a_library_and_one_with_statements_a_program()
    {
        Assert.False(HasTopLevelStatements("using MediatR;\npublic sealed class H { }\n"));
        Assert.True(HasTopLevelStatements("using MediatR;\nvar x = 1;\npublic sealed class H { }\n"));
    }

    internal sealed record Block(int Line, string Code, string? SkipReason);

    /// <summary>The C# fenced blocks (<c>csharp</c>, <c>cs</c>, <c>c#</c>), each with the 1-based line of its fence.</summary>
    internal static List<Block> CSharpBlocks(IReadOnlyList<string> lines)
    {
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Count; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            var isCSharp = fence.Groups["lang"].Value.ToLowerInvariant() is "csharp" or "cs" or "c#";
            var start = i;
            var code = new StringBuilder();
            for (i++; i < lines.Count && lines[i].Trim() != "```"; i++)
            {
                code.Append(lines[i]).Append('\n');
            }

            if (isCSharp)
            {
                blocks.Add(new Block(start + 1, code.ToString(), SkipReason(lines, start)));
            }
        }

        return blocks;
    }

    private static string? SkipReason(IReadOnlyList<string> lines, int fence)
    {
        var j = fence - 1;
        while (j >= 0 && string.IsNullOrWhiteSpace(lines[j]))
        {
            j--;
        }

        var marker = j >= 0 ? NotCompiled().Match(lines[j]) : Match.Empty;
        return marker.Success && marker.Groups["reason"].Value.Trim() is { Length: > 0 } reason ? reason : null;
    }

    [GeneratedRegex(@"^\s*```\s*(?<lang>[^\s`]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--\s*not compiled:(?<reason>.*?)-->\s*$")]
    private static partial Regex NotCompiled();
}
