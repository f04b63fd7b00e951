using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Serialization.Tests.Support;
using Serial.Shapes;

namespace OutboxSdk.Serialization.Tests;

/// <summary>Records, classes, structs, nested and recursive types: how each is built when read.</summary>
public sealed class ShapeTests
{
    [Fact]
    public void A_class_with_required_init_settable_members_and_a_field_round_trips()
    {
        Contract.Check(new ClassMembers { Required = "r", InitOnly = -3, Settable = "s", Field = long.MinValue });
        var fields = ((RecordSchema)Contract.CheckSchema<ClassMembers>()).Fields.Select(f => f.Name);
        Assert.Equal(["Required", "InitOnly", "Settable", "Field"], fields); // Computed has no setter: not a field
    }

    [Fact]
    public void A_class_built_partly_by_its_constructor_and_partly_by_setters_round_trips()
    {
        Contract.Check(new MixedConstruction("n", 4) { Label = "l" });
        Contract.Check(new MixedConstruction("", 0));
    }

    [Fact]
    public void Structs_and_record_structs_round_trip_including_nullable_struct_members()
    {
        Contract.Check(new Point(3, -4));
        Contract.Check(new Segment(new Point(0, 0), new Point(1, 1), new Point(2, 2), new Extent(1.5, 2.5)));
        Contract.Check(new Segment(new Point(0, 0), new Point(1, 1), null, default));
    }

    [Fact]
    public void A_message_nested_in_partial_types_round_trips()
    {
        Contract.Check(new Outer.Middle.Nested("v", new Outer.Middle.Inner(2)));
        Assert.Equal("Serial.Shapes.Nested", ((NamedSchema)Contract.CheckSchema<Outer.Middle.Nested>()).FullName);
    }

    [Fact]
    public void A_recursive_type_round_trips_at_any_depth()
    {
        Node? list = null;
        for (var i = 0; i < 100; i++)
        {
            list = new Node(i, list);
        }

        Contract.Check(list!);
        Contract.Check(new Node(1, null));
        Assert.Equal("""{"name":"Serial.Shapes.Node","type":"record","fields":[{"name":"Value","type":"int"},{"name":"Next","type":["null","Serial.Shapes.Node"]}]}""",
            AvroSerializer.ParsedSchemaOf<Node>().ToCanonicalForm());
    }

    [Fact]
    public void A_type_recursive_through_a_list_round_trips()
    {
        var tree = new Tree("root", [new Tree("a", [new Tree("a1", [])]), new Tree("b", [])]);
        Contract.Check(tree);
    }

    [Fact]
    public void A_null_root_or_member_of_a_non_nullable_type_is_a_type_error_naming_it()
    {
        Assert.Contains("Node is null", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize<Node>(null!)).Message, StringComparison.Ordinal);
        Assert.Equal("ClassMembers.Required", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new ClassMembers { Required = null! })).Path);
        Assert.Equal("Nested.Inner", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Outer.Middle.Nested("v", null!))).Path);
        Assert.Equal("Nested.Value", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Outer.Middle.Nested(null!, new(1)))).Path);
        Assert.Equal("AllScalars.Blob", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(ScalarTests.Sample("typical") with { Blob = null! })).Path);
    }
}
