using System.Runtime.CompilerServices;
using OutboxSdk.Generators.Tests.Approval;
using OutboxSdk.Generators.Tests.Infrastructure;

namespace OutboxSdk.Generators.Tests;

/// <summary>
/// Approval snapshots of everything the generator emits for representative inputs, and proof that the output
/// compiles with no error or warning at the strictest warning level.
/// </summary>
public sealed class GeneratedSourceTests
{
    [Fact]
    public void OrderPlaced() => VerifyGenerated(Inputs.OrderPlaced);

    [Fact]
    public void Class_with_settable_init_required_members_and_doc_comments() => VerifyGenerated(Inputs.ClassWithDocs);

    [Fact]
    public void Struct() => VerifyGenerated(Inputs.Struct);

    [Fact]
    public void Types_nested_in_partial_types() => VerifyGenerated(Inputs.Nested);

    [Fact]
    public void Every_mapped_type() => VerifyGenerated(Inputs.EveryMappedType);

    [Fact]
    public void Recursive_type() => VerifyGenerated(Inputs.Recursive);

    [Fact]
    public void Change_feed_entity() => VerifyGenerated(Inputs.ChangeFeed);

    [Fact]
    public void Global_namespace() => VerifyGenerated(Inputs.GlobalNamespace);

    private static void VerifyGenerated(string source, [CallerMemberName] string name = "")
    {
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Assert.NotEmpty(run.Sources);
        Approver.VerifyAll([.. run.Sources.Select(s => (name + "#" + Path.GetFileNameWithoutExtension(s.HintName), s.SourceText.ToString()))], name);
    }
}
