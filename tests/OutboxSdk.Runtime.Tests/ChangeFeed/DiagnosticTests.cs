using Microsoft.CodeAnalysis;

namespace OutboxSdk.ChangeFeed.Tests;

public sealed class DiagnosticTests
{
    [Fact]
    public void OBX1020_a_record_or_map_member_is_not_a_column()
    {
        var (diagnostics, _, hints, at) = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using OutboxSdk;
            public sealed record Address(string Street);
            [ChangeFeed("customers")]
            public partial record Customer([property: Key] int Id, Address Home, Dictionary<string, int> Scores, List<int[]> Grid);
            """);
        var found = diagnostics.Where(d => d.Id == "OBX1020").ToList();
        Assert.Equal(["Home", "Scores", "Grid"], found.Select(at));
        Assert.All(found, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Contains("flat row", found[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(hints, h => h.EndsWith(".Ddl.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void OBX1020_is_not_reported_for_an_outbox_message()
    {
        var (diagnostics, _, _, at) = GeneratorHarness.Run("""
            using OutboxSdk;
            public sealed record Address(string Street);
            [OutboxMessage("m")]
            public partial record Moved(Address To);
            """);
        Assert.DoesNotContain(diagnostics, d => d.Id == "OBX1020");
    }

    [Fact]
    public void OBX1021_two_members_with_one_snake_case_column()
    {
        var (diagnostics, _, _, at) = GeneratorHarness.Run("""
            using OutboxSdk;
            [ChangeFeed("orders")]
            public partial class Order
            {
                [Key] public int OrderId { get; set; }
                [AvroName("order_id")] public int Legacy { get; set; }
            }
            """);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "OBX1021");
        Assert.Contains("'order_id'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("Order", at(diagnostic));
    }

    [Fact]
    public void OBX1022_a_table_with_two_dots_and_a_column_over_63_bytes()
    {
        var (diagnostics, _, _, at) = GeneratorHarness.Run("""
            using OutboxSdk;
            [ChangeFeed("db.sales.orders")]
            public partial class Order
            {
                [Key] public int Id { get; set; }
                public int AVeryLongMemberNameThatBecomesASnakeCaseColumnLongerThanSixtyThreeBytes { get; set; }
            }
            """);
        var found = diagnostics.Where(d => d.Id == "OBX1022").Select(at).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["AVeryLongMemberNameThatBecomesASnakeCaseColumnLongerThanSixtyThreeBytes", "Order"], found);
    }

    [Fact]
    public void Without_the_runtime_only_the_ddl_constant_is_emitted_and_the_project_compiles()
    {
        var (diagnostics, compilation, hints, _) = GeneratorHarness.Run("""
            using OutboxSdk;
            namespace N;
            [ChangeFeed("orders")]
            public partial record Order([property: Key] int Id, string Name);
            """, withRuntime: false);
        Assert.Empty(diagnostics);
        Assert.Empty(compilation.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("N_Order.Ddl.g.cs", hints);
        Assert.DoesNotContain("N_Order.RowDecoder.g.cs", hints);
        Assert.DoesNotContain("OutboxSchemas.g.cs", hints);
    }
}
