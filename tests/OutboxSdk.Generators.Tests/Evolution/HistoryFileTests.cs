using Microsoft.CodeAnalysis;
using static OutboxSdk.Evolution.Tests.Sources;

namespace OutboxSdk.Evolution.Tests;

/// <summary>OBX1041–OBX1044: problems with the history files and the property themselves.</summary>
public class HistoryFileTests
{
    private static readonly string V1 = Record(OrderIdField);

    [Fact]
    public void Invalid_json_is_OBX1041_naming_the_file_and_the_problem()
    {
        var history = History(V1);
        history[$"schemas/{Subject}.v2.avsc"] = """{"type":"record","name":"OrderPlaced",""";

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1041", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.StartsWith("Schema history file 'schemas/orders.order-placed.v2.avsc' is not a valid Avro schema: the schema is not valid JSON:", diagnostic.GetMessage());
        Assert.Equal("/project/schemas/orders.order-placed.v2.avsc", diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Invalid_schema_is_OBX1041_with_the_path_inside_the_schema()
    {
        var history = History(Record(OrderIdField, """{"name":"Lines","type":{"type":"array","items":"OrderLine"}}"""));

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1041", diagnostic.Id);
        Assert.Contains("fields[1].type.items: unknown type 'OrderLine'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_subject_with_an_invalid_version_is_not_checked_against_the_others()
    {
        var history = History(V1, "[]]");
        var diagnostics = GeneratorHarness.Run(Message(OrderIdMember + "\n    public required int Total { get; init; }"), history).Obx;

        Assert.Equal("OBX1041", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void History_without_a_message_type_is_OBX1042_once_per_subject()
    {
        var history = History(V1);
        history["schemas/orders.order-cancelled.v1.avsc"] = V1;
        history["schemas/orders.order-cancelled.v2.avsc"] = V1;

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1042", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("'schemas/orders.order-cancelled.v2.avsc' is for subject 'orders.order-cancelled'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("orders.order-placed.avsc")]
    [InlineData("orders.order-placed.v0.avsc")]
    [InlineData("orders.order-placed.v01.avsc")]
    [InlineData("orders.order-placed.vX.avsc")]
    [InlineData(".v1.avsc")]
    public void Misnamed_schema_file_is_OBX1043(string name)
    {
        var history = History(V1);
        history["schemas/" + name] = V1;

        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1043", diagnostic.Id);
        Assert.Contains("'schemas/" + name + "' is not used as schema history", diagnostic.GetMessage());
    }

    [Fact]
    public void Avsc_files_outside_a_schemas_folder_are_ignored()
    {
        var run = GeneratorHarness.Run(Message(OrderIdMember), new Dictionary<string, string>
        {
            ["contracts/orders.order-placed.v1.avsc"] = "not even json",
            ["schemas/README.md"] = "notes",
        });

        Assert.Empty(run.Obx);
    }

    [Fact]
    public void Unknown_rule_is_OBX1044_listing_the_levels()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Message(OrderIdMember), History(V1), "Sideways").Obx);

        Assert.Equal("OBX1044", diagnostic.Id);
        Assert.Equal("OutboxSchemaCompatibility is 'Sideways', which is not a compatibility level: use Backward, Forward, Full, " +
            "BackwardTransitive, ForwardTransitive, FullTransitive or None", diagnostic.GetMessage());
    }

    [Fact]
    public void Every_message_schema_is_exported_as_an_assembly_attribute()
    {
        var run = GeneratorHarness.Run(Message(OrderIdMember));

        var attribute = Assert.Single(run.Output.Assembly.GetAttributes(), a => a.AttributeClass?.Name == "AvroSchemaExportAttribute");
        Assert.Equal(Subject, attribute.ConstructorArguments[0].Value);
        Assert.Equal(Record(OrderIdField), attribute.ConstructorArguments[1].Value);
    }
}
