using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Generators;

namespace OutboxSdk.Registration.Tests;

/// <summary>The registration step reruns only when what it emits can change.</summary>
public sealed class IncrementalTests
{
    private const string Types = """
        using MediatR;
        using OutboxSdk;
        namespace Shop;
        [OutboxMessage("shop.placed")]
        public partial record Placed(int Number) : INotification;
        public sealed class Audit : INotificationHandler<Placed>
        {
            public System.Threading.Tasks.Task Handle(Placed n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask;
        }
        """;

    private const string Other = "namespace Shop; public static class Util { public static int Twice(int x) => x * 2; }";

    private static IncrementalStepRunReason[] RerunAfter(string editedOther, string editedTypes)
    {
        var compilation = GeneratorHarness.Compilation("Shop", GeneratorHarness.All, Types, Other);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation
            .ReplaceSyntaxTree(compilation.SyntaxTrees.First(), CSharpSyntaxTree.ParseText(editedTypes, GeneratorHarness.ParseOptions, path: "Source0.cs"))
            .ReplaceSyntaxTree(compilation.SyntaxTrees.Last(), CSharpSyntaxTree.ParseText(editedOther, GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        return [.. result.TrackedSteps[OutboxGenerator.Steps.Registration].SelectMany(s => s.Outputs).Select(o => o.Reason)];
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_registration_cached()
    {
        var reasons = RerunAfter(Other.Replace("x * 2", "x + x", StringComparison.Ordinal), Types.Replace("Task.CompletedTask;", "Task.CompletedTask; // done", StringComparison.Ordinal));

        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void A_new_handler_changes_the_registration()
    {
        var reasons = RerunAfter(Other, Types + "\npublic sealed class Mail : Audit2 { }\npublic abstract class Audit2 : INotificationHandler<Placed> { public System.Threading.Tasks.Task Handle(Placed n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask; }");

        Assert.Equal([IncrementalStepRunReason.Modified], reasons);
    }
}
