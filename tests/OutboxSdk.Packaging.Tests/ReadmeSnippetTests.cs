using System.Text;
using System.Text.RegularExpressions;

namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// Every <c>```csharp</c> block of README.md compiles, each on its own, as the Program.cs of a brand-new console
/// project that references the packed OutboxSdk (and Microsoft.Extensions.Hosting, for <c>Host.CreateApplicationBuilder</c>, and MediatR, for handlers;
/// an ASP.NET Core project has it already), with warnings as errors. The projects' assembly is named <c>Shop.Api</c>,
/// the name the README's generated call <c>AddShopApiOutboxTypes()</c> belongs to. A block that is meant as a
/// fragment is skipped only when the line right before its fence (blank lines aside) is
/// <c>&lt;!-- not compiled: reason --&gt;</c> with a reason.
/// </summary>
[Trait("Category", "Slow")]
[Collection(PackedFeed.Collection)]
public sealed partial class ReadmeSnippetTests
{
    private const string AssemblyName = "Shop.Api";

    [Fact]
    public void Every_csharp_block_of_the_readme_compiles_against_the_packed_sdk()
    {
        var blocks = CSharpBlocks(File.ReadAllLines(Path.Combine(PackedFeed.RepositoryRoot(), "README.md")));
        Assert.NotEmpty(blocks);
        var compiled = blocks.Where(b => b.SkipReason is null).ToList();
        Assert.NotEmpty(compiled);

        var deadline = DateTime.UtcNow.AddMinutes(5);
        using var packed = PackedFeed.Pack(deadline);
        var hosting = ("Microsoft.Extensions.Hosting", PackedFeed.CentralVersion("Microsoft.Extensions.Hosting"));
        var mediatr = ("MediatR", PackedFeed.CentralVersion("MediatR")); // what the README tells an app with handlers to add
        var solution = new StringBuilder("<Solution>\n");
        foreach (var block in compiled)
        {
            // The folder names the README line of the fence, so a compiler error points at the block.
            var name = $"ReadmeLine{block.Line}";
            packed.WriteConsumer(name, name, block.Code, AssemblyName, hosting, mediatr);
            solution.Append($"  <Project Path=\"{name}/{name}.csproj\" />\n");
        }

        File.WriteAllText(Path.Combine(packed.Root, "readme.slnx"), solution.Append("</Solution>\n").ToString());
        DotnetProcess.Run(packed.Root, packed.Isolated, deadline, "build", "readme.slnx");
    }

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
