using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// see Avro spec, "Schema Resolution": every writer branch must resolve; a reader union resolves with its first
// branch that matches the writer's schema.
public class UnionCompatibilityTests
{
    [Fact]
    public void Union_branch_added_is_backward_compatible_but_not_forward()
    {
        var v1 = Record("R", Field("v", "[\"null\",\"string\"]"));
        var v2 = Record("R", Field("v", "[\"null\",\"string\",\"int\"]"));
        Compatible(reader: v2, writer: v1);
        var incompatibility = Single(reader: v1, writer: v2, IncompatibilityKind.MissingUnionBranch, "$.v");
        Assert.Equal("field 'v' (in record R): no branch of the reader's union [null, string] can read the writer's int", incompatibility.Message);
    }

    [Fact]
    public void Union_branch_removed_is_forward_compatible_but_not_backward()
    {
        var v1 = "[\"null\",\"string\",\"int\"]";
        var v2 = "[\"null\",\"string\"]";
        Compatible(reader: v1, writer: v2);
        Single(reader: v2, writer: v1, IncompatibilityKind.MissingUnionBranch, "$");
    }

    [Fact]
    public void Union_branch_order_does_not_matter() => Compatible("[\"string\",\"int\"]", "[\"int\",\"string\"]");

    [Fact]
    public void Empty_unions()
    {
        Compatible("[]", "[]");
        Compatible("[\"int\"]", "[]"); // the writer can write nothing
        Single("[]", "\"int\"", IncompatibilityKind.MissingUnionBranch, "$");
        Single("[]", "[\"int\"]", IncompatibilityKind.MissingUnionBranch, "$");
    }

    [Fact]
    public void Non_union_to_union_is_compatible_and_back_only_if_every_branch_fits()
    {
        var plain = Record("R", Field("v", "\"string\""));
        var optional = Record("R", Field("v", "[\"null\",\"string\"]", "null"));
        Compatible(reader: optional, writer: plain);
        var incompatibility = Single(reader: plain, writer: optional, IncompatibilityKind.TypeMismatch, "$.v");
        Assert.Equal("field 'v' (in record R): the reader expects string but the writer can write null, which does not promote to string",
            incompatibility.Message);
    }

    [Fact]
    public void Single_branch_union_and_its_branch_are_interchangeable()
    {
        Compatible("\"int\"", "[\"int\"]");
        Compatible("[\"int\"]", "\"int\"");
    }

    [Fact]
    public void Writer_union_branches_may_promote_into_a_non_union_reader()
    {
        Compatible("\"double\"", "[\"int\",\"long\",\"float\"]");
        var result = Incompatible("\"float\"", "[\"int\",\"long\",\"float\",\"double\"]");
        var incompatibility = Assert.Single(result.Incompatibilities);
        Assert.Contains("can write double", incompatibility.Message, StringComparison.Ordinal);
        Single("\"long\"", "[\"int\",\"float\"]", IncompatibilityKind.TypeMismatch, "$");
    }

    [Fact]
    public void Reader_union_branches_may_receive_promoted_writer_values()
    {
        Compatible("[\"null\",\"long\"]", "\"int\"");
        Compatible("[\"null\",\"double\"]", "[\"null\",\"int\",\"long\",\"float\"]");
        Compatible("[\"bytes\"]", "[\"string\"]");
    }

    [Fact]
    public void Reader_union_uses_its_first_matching_branch_even_when_a_later_one_would_fit()
    {
        // see Avro spec: "The first schema in the reader's union that matches the writer's schema is recursively
        // resolved against it." Names match unqualified, so a.Item matches b.Item and is chosen before b.Item.
        var reader = "[{\"type\":\"record\",\"name\":\"a.Item\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}," +
            "{\"type\":\"record\",\"name\":\"b.Item\",\"fields\":[]}]";
        var writer = "{\"type\":\"record\",\"name\":\"b.Item\",\"fields\":[]}";
        var incompatibility = Single(reader, writer, IncompatibilityKind.ReaderFieldMissingDefault, "$.x");
        Assert.Contains("(in record a.Item)", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_union_does_not_choose_a_branch_whose_name_or_size_differs()
    {
        var reader = "[{\"type\":\"fixed\",\"name\":\"F\",\"size\":4},{\"type\":\"fixed\",\"name\":\"G\",\"size\":8}]";
        Compatible(reader, "{\"type\":\"fixed\",\"name\":\"G\",\"size\":8}");
        Single(reader, "{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}", IncompatibilityKind.MissingUnionBranch, "$");
    }

    [Fact]
    public void Record_inside_union_reports_field_paths_without_a_union_step()
    {
        var reader = Record("R", Field("payment", "[\"null\"," + Record("Card", Field("number", "\"int\"")) + "]"));
        var writer = Record("R", Field("payment", "[\"null\"," + Record("Card", Field("number", "\"string\"")) + "]"));
        var incompatibility = Single(reader, writer, IncompatibilityKind.TypeMismatch, "$.payment.number");
        Assert.StartsWith("field 'number' (in record Card)", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_failing_writer_branch_is_reported()
    {
        var result = Incompatible("[\"null\"]", "[\"null\",\"int\",\"string\"]");
        Assert.Equal(2, result.Incompatibilities.Count);
        Assert.All(result.Incompatibilities, i => Assert.Equal(IncompatibilityKind.MissingUnionBranch, i.Kind));
    }
}
