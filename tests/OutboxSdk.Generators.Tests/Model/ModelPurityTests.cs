using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Tests.Model;

/// <summary>
/// The pipeline caches by model equality, so the model must hold plain data only: a symbol, syntax node,
/// location or compilation in it would keep a whole compilation alive and make every run look modified
/// (System.Text.Json's generator has the same test).
/// </summary>
public sealed class ModelPurityTests
{
    // Value types that are plain data: positions in a file, compared by value.
    private static readonly HashSet<Type> AllowedRoslynTypes = [typeof(TextSpan), typeof(LinePositionSpan), typeof(LinePosition)];

    [Fact]
    public void The_model_reachable_from_RootSpec_holds_no_Roslyn_objects()
    {
        var problems = ModelWalker.Problems(typeof(RootSpec), AllowedRoslynTypes);

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_model_type_compares_by_value()
    {
        var ours = ModelWalker.Reached(typeof(RootSpec), AllowedRoslynTypes).Where(t => t.Assembly == typeof(RootSpec).Assembly);

        Assert.All(ours, t => Assert.True(typeof(IEquatable<>).MakeGenericType(t).IsAssignableFrom(t), t.Name + " is not IEquatable<" + t.Name + ">"));
    }

    [Fact]
    public void The_walk_reaches_every_model_type()
    {
        var reached = ModelWalker.Reached(typeof(RootSpec), AllowedRoslynTypes);

        Assert.Contains(typeof(TypeSpec), reached);
        Assert.Contains(typeof(MemberSpec), reached);
        Assert.Contains(typeof(TypeRef), reached);
        Assert.Contains(typeof(Generators.Diagnostics.DiagnosticInfo), reached);
    }

    [Fact]
    public void The_walk_finds_a_symbol_hidden_in_an_equatable_array_item()
    {
        var problems = ModelWalker.Problems(typeof(Polluted), AllowedRoslynTypes);

        Assert.Contains(problems, p => p.Contains(nameof(ISymbol), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(nameof(Location), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("System.Object", StringComparison.Ordinal));
    }

    // What the walk must reject: a symbol behind an EquatableArray, a location, and an untyped slot.
    private sealed record Polluted(Internal.EquatableArray<PollutedItem> Items, Location Where, object Anything);

    private sealed record PollutedItem(ISymbol Symbol);
}
