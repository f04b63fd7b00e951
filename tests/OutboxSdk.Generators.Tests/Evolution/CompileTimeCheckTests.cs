using Microsoft.CodeAnalysis;
using static OutboxSdk.Evolution.Tests.Sources;

namespace OutboxSdk.Evolution.Tests;

/// <summary>OBX1040: a message type's schema is checked against its subject's committed history at build time.</summary>
public class CompileTimeCheckTests
{
    private static readonly string V1 = Record(OrderIdField);

    [Fact]
    public void Added_optional_field_is_compatible()
    {
        var run = GeneratorHarness.Run(Message(OrderIdMember + "\n    public string? Note { get; init; }"), History(V1));

        Assert.Empty(run.Obx);
    }

    [Fact]
    public void Added_required_field_breaks_backward_naming_subject_field_version_and_rule()
    {
        var run = GeneratorHarness.Run(Message(OrderIdMember + "\n    [AvroDecimal(18, 2)] public required decimal Total { get; init; }"), History(V1, V1), "Backward");

        var diagnostic = Assert.Single(run.Obx);
        Assert.Equal("OBX1040", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(
            "orders.order-placed: the new schema cannot read data written with v2: field 'Total' (in record Shop.Orders.OrderPlaced) has no default " +
            "and the writer's record Shop.Orders.OrderPlaced has no such field: data written without it cannot be read (BACKWARD)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var where = diagnostic.Location.GetLineSpan();
        Assert.Equal("Messages.cs", where.Path);
        Assert.Equal(5, where.StartLinePosition.Line); // "public partial record OrderPlaced"
    }

    [Fact]
    public void Default_rule_is_full_transitive_and_backward_checks_only_the_latest_version()
    {
        // v1 had Code as an int; v2 dropped it. Re-adding Code as a string with a default reads v2 data (no Code)
        // but not v1 data (an int is no string): only the transitive rules look at v1.
        var history = History(Record(OrderIdField, """{"name":"Code","type":"int"}"""), V1);
        var source = Message(OrderIdMember + "\n    [AvroDefault(\"\\\"\\\"\")] public string Code { get; init; } = \"\";");

        var byDefault = GeneratorHarness.Run(source, history).Obx.Select(d => d.GetMessage()).ToList();
        Assert.Equal(GeneratorHarness.Run(source, history, "FullTransitive").Obx.Select(d => d.GetMessage()), byDefault);
        Assert.Equal(2, byDefault.Count); // v1 cannot read the new Code either
        Assert.All(byDefault, m => Assert.EndsWith("(FULL_TRANSITIVE)", m));
        Assert.Empty(GeneratorHarness.Run(source, history, "Backward").Obx);

        var transitive = Assert.Single(GeneratorHarness.Run(source, history, "BackwardTransitive").Obx);
        Assert.Contains("the new schema cannot read data written with v1: field 'Code' (in record Shop.Orders.OrderPlaced): " +
            "the reader expects string but the writer can write int, which does not promote to string (BACKWARD_TRANSITIVE)", transitive.GetMessage());
    }

    [Fact]
    public void Default_rule_rejects_a_change_that_breaks_either_direction_of_a_rolling_deploy()
    {
        var history = History(Record(OrderIdField, """{"name":"Note","type":"string"}"""));

        // Removing Note: old relays cannot read new messages (they need Note). Adding a required Total: new relays
        // cannot read old messages. Both are errors by default; an optional field is not.
        var removed = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1040", removed.Id);
        Assert.Contains("v1 cannot read data written with the new schema: field 'Note'", removed.GetMessage());
        Assert.EndsWith("(FULL_TRANSITIVE)", removed.GetMessage());

        var added = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember + "\n    public required string Note { get; init; }\n    public required int Total { get; init; }"), history).Obx);
        Assert.Contains("the new schema cannot read data written with v1: field 'Total'", added.GetMessage());

        Assert.Empty(GeneratorHarness.Run(Message(OrderIdMember + "\n    public required string Note { get; init; }\n    public int? Total { get; init; }"), history).Obx);
    }

    [Fact]
    public void Removing_a_field_without_default_breaks_forward_but_not_backward()
    {
        var history = History(Record(OrderIdField, """{"name":"Note","type":"string"}"""));
        var source = Message(OrderIdMember);

        Assert.Empty(GeneratorHarness.Run(source, history, "Backward").Obx);
        var forward = Assert.Single(GeneratorHarness.Run(source, history, "Forward").Obx);
        Assert.Equal("OBX1040", forward.Id);
        Assert.Contains("orders.order-placed: v1 cannot read data written with the new schema: field 'Note' (in record Shop.Orders.OrderPlaced) has no default", forward.GetMessage());
        Assert.EndsWith("(FORWARD)", forward.GetMessage());
    }

    [Fact]
    public void Full_checks_both_directions()
    {
        var history = History(Record(OrderIdField, """{"name":"Note","type":"string"}"""));

        // Dropping Note breaks the old reader; adding a required Total breaks the new one.
        var both = GeneratorHarness.Run(Message(OrderIdMember + "\n    public required int Total { get; init; }"), history, "Full").Obx;
        Assert.Equal(2, both.Count);
        Assert.Contains(both, d => d.GetMessage().Contains("the new schema cannot read data written with v1: field 'Total'", StringComparison.Ordinal));
        Assert.Contains(both, d => d.GetMessage().Contains("v1 cannot read data written with the new schema: field 'Note'", StringComparison.Ordinal));
        Assert.All(both, d => Assert.EndsWith("(FULL)", d.GetMessage()));

        // Keeping Note and adding an optional field is fully compatible.
        Assert.Empty(GeneratorHarness.Run(Message(OrderIdMember + "\n    public required string Note { get; init; }\n    public int? Total { get; init; }"), history, "Full").Obx);
    }

    [Fact]
    public void Transitive_forward_and_full_check_every_version()
    {
        // v1 requires Code, v2 gives it a default: the latest reads data without Code, the oldest does not.
        var history = History(Record(OrderIdField, """{"name":"Code","type":"int"}"""), Record(OrderIdField, """{"name":"Code","type":"int","default":0}"""));
        var source = Message(OrderIdMember);

        Assert.Empty(GeneratorHarness.Run(source, history, "Forward").Obx);
        Assert.Empty(GeneratorHarness.Run(source, history, "Full").Obx);
        var forward = Assert.Single(GeneratorHarness.Run(source, history, "ForwardTransitive").Obx);
        Assert.Contains("v1 cannot read data written with the new schema: field 'Code'", forward.GetMessage());
        Assert.EndsWith("(FORWARD_TRANSITIVE)", forward.GetMessage());
        var full = Assert.Single(GeneratorHarness.Run(source, history, "FullTransitive").Obx);
        Assert.EndsWith("(FULL_TRANSITIVE)", full.GetMessage());
    }

    [Fact]
    public void Renamed_field_with_alias_reads_old_data_and_without_alias_does_not()
    {
        var history = History(Record(OrderIdField, """{"name":"Amount","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":2}}"""));
        var aliased = Message(OrderIdMember + "\n    [AvroAlias(\"Amount\")] [AvroDecimal(18, 2)] public required decimal Total { get; init; }");

        Assert.Empty(GeneratorHarness.Run(aliased, history, "Backward").Obx);
        var renamed = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember + "\n    [AvroDecimal(18, 2)] public required decimal Total { get; init; }"), history, "Backward").Obx);
        Assert.Contains("field 'Total' (in record Shop.Orders.OrderPlaced) has no default", renamed.GetMessage());

        // An alias is the reader's: the old schema, reading new data, still looks for Amount.
        var forward = Assert.Single(GeneratorHarness.Run(aliased, history, "Full").Obx);
        Assert.Contains("v1 cannot read data written with the new schema: field 'Amount'", forward.GetMessage());
    }

    [Fact]
    public void Changed_decimal_scale_is_a_break()
    {
        var history = History(Record(OrderIdField, """{"name":"Total","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":2}}"""));

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember + "\n    [AvroDecimal(18, 4)] public required decimal Total { get; init; }"), history, "Backward").Obx);
        Assert.Contains("the reader's bytes (decimal(18, 4)) differs from the writer's bytes (decimal(18, 2))", diagnostic.GetMessage());
    }

    [Fact]
    public void Enum_symbol_added_is_compatible_when_the_old_enum_has_a_default()
    {
        const string members = OrderIdMember + "\n    public Status State { get; init; }";
        const string newEnum = "[AvroDefault(\"Unknown\")] public enum Status { Unknown, New, Paid, Cancelled }";
        static string Old(string extra) => Record(OrderIdField,
            "{\"name\":\"State\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"Unknown\",\"New\",\"Paid\"]" + extra + "}}");

        Assert.Empty(GeneratorHarness.Run(Message(members, newEnum), History(Old(",\"default\":\"Unknown\"")), "Full").Obx);

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(members, newEnum), History(Old("")), "Full").Obx);
        Assert.Contains("v1 cannot read data written with the new schema: field 'State' (in record Shop.Orders.OrderPlaced): " +
            "the reader's enum Shop.Orders.Status lacks the writer's symbol 'Cancelled' and has no default symbol", diagnostic.GetMessage());
    }

    [Fact]
    public void None_turns_the_checks_off()
    {
        var history = History(V1, "{ not json");
        var source = Message(OrderIdMember + "\n    public required int Total { get; init; }");

        Assert.NotEmpty(GeneratorHarness.Run(source, history).Obx);
        Assert.Empty(GeneratorHarness.Run(source, history, "None").Obx);
    }

    [Theory]
    [InlineData("backward_transitive")]
    [InlineData("BACKWARD-TRANSITIVE")]
    [InlineData(" BackwardTransitive ")]
    public void Rule_accepts_schema_registry_spellings(string rule)
    {
        var history = History(Record(OrderIdField, """{"name":"Code","type":"int"}"""), V1);
        var source = Message(OrderIdMember + "\n    [AvroDefault(\"\\\"\\\"\")] public string Code { get; init; } = \"\";");

        Assert.EndsWith("(BACKWARD_TRANSITIVE)", Assert.Single(GeneratorHarness.Run(source, history, rule).Obx).GetMessage());
    }

    [Fact]
    public void Compatible_history_leaves_the_output_compiling()
    {
        var run = GeneratorHarness.Run(Message(OrderIdMember), History(V1));

        Assert.Empty(run.Obx);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
