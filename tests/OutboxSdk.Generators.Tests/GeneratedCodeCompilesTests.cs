using OutboxSdk.Generators.Tests.Infrastructure;

namespace OutboxSdk.Generators.Tests;

/// <summary>
/// Inputs at the edges of what users write, for which the generated code must compile with no error or warning.
/// Each case once broke the build of a user's project.
/// </summary>
public sealed class GeneratedCodeCompilesTests
{
    public static TheoryData<string, string> Cases => new()
    {
        {
            "members and enum symbols named after C# keywords", """
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.keywords")]
            public partial class Keywords { public int @event { get; set; } public string @class = ""; public Kind @enum { get; set; } }
            [OutboxMessage("n.keyword-record")]
            public partial record KeywordRecord(int @params, Kind @default);
            public enum Kind { @default, @object }
            """
        },
        {
            "enum members sharing a value", """
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.aliased")]
            public partial record Aliased(Level Level);
            public enum Level { None = 0, Default = 0, High = 1 }
            """
        },
        {
            "types whose names differ only by '.' and '_'", """
            using OutboxSdk;
            namespace A_B { [OutboxMessage("one")] public partial record C(int X); }
            namespace A { public partial class B { [OutboxMessage("two")] public partial record C(int X); } }
            namespace A { [OutboxMessage("three")] public partial record B_C(int X); }
            """
        },
        {
            "nullable annotations disabled", """
            #nullable disable
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.oblivious")]
            public partial class Oblivious { public string Text { get; set; } public int[] Numbers { get; set; } }
            """
        },
        {
            "members inherited from a base record", """
            using OutboxSdk;
            namespace N;
            public abstract record Base(string Id) { public int Version { get; init; } }
            [OutboxMessage("n.derived")]
            public partial record Derived(string Id, int X) : Base(Id);
            """
        },
        {
            "a type reached from two roots, one root reaching the other", """
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.a")] public partial record A(Shared S);
            [OutboxMessage("n.b")] public partial record B(Shared S, A Inner);
            public sealed record Shared(int V);
            """
        },
        {
            "a record struct with nullable collection elements", """
            using System;
            using System.Collections.Generic;
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.moved")]
            public partial record struct Moved(int X, List<int?> Xs, Dictionary<string, long?> Map, ReadOnlyMemory<byte>? Memory);
            """
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_code_compiles(string @case, string source)
    {
        var run = GeneratorHarness.Run(source);

        var problems = run.GeneratorDiagnostics.Concat(run.CompilationProblems).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, @case + ":" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        Assert.NotEmpty(run.Sources);
    }
}
