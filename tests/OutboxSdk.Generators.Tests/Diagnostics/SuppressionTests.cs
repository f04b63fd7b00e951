using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Tests.Infrastructure;
using static OutboxSdk.Generators.Tests.Diagnostics.DiagnosticAssert;

namespace OutboxSdk.Generators.Tests.Diagnostics;

/// <summary>Valid code is quiet, warnings yield to #pragma where it applies, and an error stops generation for its type.</summary>
public sealed class SuppressionTests
{
    [Theory]
    [InlineData(Inputs.OrderPlaced)]
    [InlineData(Inputs.ClassWithDocs)]
    [InlineData(Inputs.Struct)]
    [InlineData(Inputs.Nested)]
    [InlineData(Inputs.EveryMappedType)]
    [InlineData(Inputs.Recursive)]
    [InlineData(Inputs.ChangeFeed)]
    [InlineData(Inputs.GlobalNamespace)]
    public void Valid_code_gets_no_diagnostics(string source) => None(source);

    [Theory]
    [InlineData("OBX1005", "public decimal Total { get; set; }")]
    [InlineData("OBX1015", "public int Sequence { get; }")]
    public void A_warning_is_reported_until_pragma_disables_it(string id, string member)
    {
        var source = "using OutboxSdk;\nnamespace N;\n[OutboxMessage(\"n.warned\")]\npublic partial class Warned\n{\n    "
            + member + "\n}\n";
        Assert.Contains(GeneratorHarness.Run(source).Reported, d => d.Id == id && d.Severity == DiagnosticSeverity.Warning);

        None(source.Replace("    " + member, "#pragma warning disable " + id + "\n    " + member + "\n#pragma warning restore " + id, StringComparison.Ordinal), id);
    }

    [Fact]
    public void A_pragma_disables_a_warning_only_where_it_applies()
    {
        var source = """
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.warned")]
            public partial class Warned
            {
            #pragma warning disable OBX1005
                public decimal Quiet { get; set; }
            #pragma warning restore OBX1005
                public decimal Loud { get; set; }
            }
            """;

        var reported = GeneratorHarness.Run(source).Reported.Where(d => d.Id == "OBX1005");

        Assert.Contains("'Loud'", Assert.Single(reported).GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_stops_generation_for_its_type_only()
    {
        var run = Reports("OBX1002", DiagnosticSeverity.Error, """
            using OutboxSdk;
            namespace N;
            [OutboxMessage("n.plain")]
            public record [|Plain|](int X);
            [OutboxMessage("n.fine")]
            public partial record Fine(int X);
            """);

        Assert.DoesNotContain(run.Sources, s => s.HintName.Contains("Plain", StringComparison.Ordinal));
        Assert.Contains(run.Sources, s => s.HintName == "N_Fine.Avro.g.cs");
    }
}
