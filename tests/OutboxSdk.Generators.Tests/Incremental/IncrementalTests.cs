using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Generators.Tests.Infrastructure;

namespace OutboxSdk.Generators.Tests.Incremental;

/// <summary>
/// The pipeline does no work for edits that cannot change the output: the reasons the driver records for each
/// tracked step after an edit (Mapperly's and System.Text.Json's incremental tests).
/// </summary>
public sealed class IncrementalTests
{
    private const string Unrelated = """
        namespace Shop.Billing;

        public sealed class InvoiceService
        {
            public int Add(int a, int b) => a + b;
        }
        """;

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step_and_every_source()
    {
        var (driver, compilation) = Start(Inputs.OrderPlaced);

        var result = Rerun(driver, compilation.AddSyntaxTrees(Parse("namespace Other; public sealed class Added { }", "Added.cs")));

        AssertReasons(result, OutboxGenerator.Steps.Messages, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, OutboxGenerator.Steps.AllRoots, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourcesReused(result);
    }

    [Fact]
    public void Editing_an_unrelated_method_reuses_every_step_and_every_source()
    {
        var (driver, compilation) = Start(Inputs.OrderPlaced, Unrelated);

        var result = Rerun(driver, Replace(compilation, "Source1.cs", "a + b", "b + a"));

        AssertReasons(result, OutboxGenerator.Steps.Messages, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourcesReused(result);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_the_change_feed_step()
    {
        var (driver, compilation) = Start(Inputs.ChangeFeed, Unrelated);

        var result = Rerun(driver, Replace(compilation, "Source1.cs", "a + b", "b + a"));

        AssertReasons(result, OutboxGenerator.Steps.ChangeFeeds, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourcesReused(result);
    }

    [Fact]
    public void Reformatting_inside_the_annotated_type_gives_an_unchanged_model()
    {
        var (driver, compilation) = Start(Inputs.OrderPlaced);

        var result = Rerun(driver, Replace(compilation, "Source0.cs", "public string? Note { get; init; }", "public   string?   Note\n        {\n            get;\n            init;\n        }"));

        AssertReasons(result, OutboxGenerator.Steps.Messages, IncrementalStepRunReason.Unchanged);
        AssertSourcesReused(result);
    }

    [Fact]
    public void Reformatting_a_change_feed_entity_gives_an_unchanged_model()
    {
        var (driver, compilation) = Start(Inputs.ChangeFeed);

        var result = Rerun(driver, Replace(compilation, "Source0.cs", "public int Line { get; set; }", "public int Line {get;set;}   // line number"));

        AssertReasons(result, OutboxGenerator.Steps.ChangeFeeds, IncrementalStepRunReason.Unchanged);
        AssertSourcesReused(result);
    }

    [Fact]
    public void Adding_a_property_to_the_annotated_type_modifies_the_model_and_the_sources()
    {
        var (driver, compilation) = Start(Inputs.OrderPlaced);

        var result = Rerun(driver, Replace(compilation, "Source0.cs", "public string? Note { get; init; }", "public string? Note { get; init; }\n    public int Priority { get; init; }"));

        AssertReasons(result, OutboxGenerator.Steps.Messages, IncrementalStepRunReason.Modified);
        AssertReasons(result, OutboxGenerator.Steps.AllRoots, IncrementalStepRunReason.Modified);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Shop_Orders_OrderPlaced.Avro.g.cs" && s.SourceText.ToString().Contains("Priority", StringComparison.Ordinal));
    }

    private static (GeneratorDriver Driver, Compilation Compilation) Start(params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.NotEmpty(driver.GetRunResult().Results[0].GeneratedSources);
        return (driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, Compilation compilation) =>
        driver.RunGenerators(compilation).GetRunResult().Results[0];

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path);

    private static Compilation Replace(Compilation compilation, string path, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, Parse(text.Replace(oldText, newText, StringComparison.Ordinal), path));
    }

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Contains(o.Reason, allowed));
    }

    /// <summary>Every source output is reused: nothing was emitted again.</summary>
    private static void AssertSourcesReused(GeneratorRunResult result)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason + ": " + o.Value));
    }
}
