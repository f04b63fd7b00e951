using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// Confluent Schema Registry semantics: BACKWARD = new reads latest, FORWARD = latest reads new, FULL = both,
// *_TRANSITIVE = against every previous version.
public class CompatibilityLevelTests
{
    // v1 {a}; v2 {a, b with default}; v3 {b without default, a dropped}: v3 reads v2 data (b present) but not v1 data (no b).
    private static readonly AvroSchema V1 = S(Record("R", Field("a", "\"int\"")));
    private static readonly AvroSchema V2 = S(Record("R", Field("a", "\"int\""), Field("b", "\"string\"", "\"\"")));
    private static readonly AvroSchema V3 = S(Record("R", Field("b", "\"string\"")));

    [Fact]
    public void Non_transitive_backward_checks_only_the_latest_version()
    {
        Assert.True(SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.Backward).IsCompatible);
    }

    [Fact]
    public void Transitive_backward_checks_every_version_and_names_it()
    {
        var result = SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.BackwardTransitive);
        var incompatibility = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.ReaderFieldMissingDefault, incompatibility.Kind);
        Assert.Equal("$.b", incompatibility.ReaderPath);
        Assert.Equal("the new schema cannot read data written with version 1 of 2: field 'b' (in record R) has no default and " +
            "the writer's record R has no such field: data written without it cannot be read", incompatibility.Message);
    }

    [Fact]
    public void Forward_checks_that_the_latest_version_reads_new_data()
    {
        var result = SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.Forward);
        var incompatibility = Assert.Single(result.Incompatibilities);
        Assert.Equal("$.a", incompatibility.ReaderPath);
        Assert.StartsWith("version 2 of 2 cannot read data written with the new schema: field 'a' (in record R)", incompatibility.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_transitive_reports_each_failing_version()
    {
        var result = SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.ForwardTransitive);
        Assert.Equal(2, result.Incompatibilities.Count);
        Assert.StartsWith("version 1 of 2 ", result.Incompatibilities[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("version 2 of 2 ", result.Incompatibilities[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_checks_both_directions_against_the_latest()
    {
        Assert.True(SchemaCompatibility.Check(V2, [V1], CompatibilityLevel.Full).IsCompatible);
        var result = SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.Full);
        Assert.Equal(["version 2 of 2 cannot read"],
            result.Incompatibilities.Select(i => i.Message[.."version 2 of 2 cannot read".Length]));
    }

    [Fact]
    public void Full_transitive_checks_both_directions_against_all()
    {
        var result = SchemaCompatibility.Check(V3, [V1, V2], CompatibilityLevel.FullTransitive);
        Assert.Equal(3, result.Incompatibilities.Count);
        Assert.Contains(result.Incompatibilities, i => i.Message.StartsWith("the new schema cannot read data written with version 1 of 2", StringComparison.Ordinal));
        Assert.True(SchemaCompatibility.Check(V2, [V1, V2], CompatibilityLevel.FullTransitive).IsCompatible);
    }

    [Fact]
    public void None_and_no_previous_versions_are_always_compatible()
    {
        var unrelated = S("\"string\"");
        Assert.True(SchemaCompatibility.Check(unrelated, [V1], CompatibilityLevel.None).IsCompatible);
        foreach (var level in Enum.GetValues<CompatibilityLevel>())
        {
            Assert.True(SchemaCompatibility.Check(unrelated, [], level).IsCompatible);
        }
    }

    [Fact]
    public void Type_promotion_is_backward_but_not_forward_at_registry_level()
    {
        var v1 = S("\"int\"");
        var v2 = S("\"long\"");
        Assert.True(SchemaCompatibility.Check(v2, [v1], CompatibilityLevel.Backward).IsCompatible);
        var forward = SchemaCompatibility.Check(v2, [v1], CompatibilityLevel.Forward);
        Assert.Equal(IncompatibilityKind.TypeMismatch, Assert.Single(forward.Incompatibilities).Kind);
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.CanRead(null!, V1));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.CanRead(V1, null!));
        Assert.Throws<ArgumentNullException>(() => SchemaCompatibility.Check(V1, null!, CompatibilityLevel.Backward));
        Assert.Throws<ArgumentException>(() => SchemaCompatibility.Check(V1, [null!], CompatibilityLevel.Backward));
        Assert.Throws<ArgumentOutOfRangeException>(() => SchemaCompatibility.Check(V1, [V1], (CompatibilityLevel)99));
    }

    [Fact]
    public void Result_prints_compatible_or_one_line_per_incompatibility()
    {
        Assert.Equal("compatible", SchemaCompatibility.CanRead(V1, V1).ToString());
        var result = SchemaCompatibility.CanRead(S(Record("R", Field("a", "\"int\""), Field("c", "\"int\""))), S(Record("R")));
        Assert.Equal(2, result.ToString().Split('\n').Length);
    }
}
