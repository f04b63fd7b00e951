using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static OutboxSdk.Evolution.Tests.Sources;

namespace OutboxSdk.Evolution.Tests;

/// <summary>History files reach only the final diagnostics step; source edits leave the history step cached.</summary>
public class IncrementalTests
{
    private const string HistoryStep = "SchemaHistory";
    private const string MessageSchemasStep = "MessageSchemas";
    private const string MessagesStep = "OutboxMessages";

    [Fact]
    public void Editing_a_history_file_reruns_only_the_history_step()
    {
        var v1 = new InMemoryText($"/project/schemas/{Subject}.v1.avsc", Record(OrderIdField));
        var compilation = GeneratorHarness.Compile(Message(OrderIdMember + "\n    public required int Total { get; init; }"));
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver([v1], rule: null), compilation);
        Assert.Equal("OBX1040", Assert.Single(first.Obx).Id);

        var edited = new InMemoryText(v1.Path, Record(OrderIdField, """{"name":"Total","type":"int"}"""));
        var second = GeneratorHarness.Run(first.Driver.ReplaceAdditionalText(v1, edited), compilation);

        Assert.Empty(second.Obx);
        var steps = second.Driver.GetRunResult().Results[0].TrackedSteps;
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(steps[HistoryStep]).Outputs.Single().Reason);
        Assert.All(steps[MessagesStep].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(steps[MessageSchemasStep].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void An_unrelated_source_edit_leaves_history_and_message_schemas_unchanged()
    {
        var v1 = new InMemoryText($"/project/schemas/{Subject}.v1.avsc", Record(OrderIdField));
        var compilation = GeneratorHarness.Compile(Message(OrderIdMember));
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver([v1], rule: null), compilation);

        var other = CSharpSyntaxTree.ParseText("namespace Shop; public class Unrelated { }", GeneratorHarness.ParseOptions, path: "Other.cs");
        var second = GeneratorHarness.Run(first.Driver, compilation.AddSyntaxTrees(other));

        var steps = second.Driver.GetRunResult().Results[0].TrackedSteps;
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(steps[HistoryStep]).Outputs.Single().Reason);
        Assert.All(steps[MessageSchemasStep].SelectMany(s => s.Outputs),
            o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }
}
