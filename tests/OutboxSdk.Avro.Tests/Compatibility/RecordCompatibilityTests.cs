using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// see Avro spec, "Schema Resolution", records: fields by name or reader alias, defaults for missing ones.
public class RecordCompatibilityTests
{
    private const string OrderV1 =
        "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    [Fact]
    public void Added_field_with_default_is_backward_and_forward_compatible()
    {
        var v2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}," +
            "{\"name\":\"total\",\"type\":\"long\",\"default\":0}]}";
        Compatible(reader: v2, writer: OrderV1); // backward: the default fills the field
        Compatible(reader: OrderV1, writer: v2); // forward: the old reader skips the new field
    }

    [Fact]
    public void Added_field_without_default_breaks_backward_and_names_the_field()
    {
        var v2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}," +
            "{\"name\":\"total\",\"type\":\"long\"}]}";
        var incompatibility = Single(reader: v2, writer: OrderV1, IncompatibilityKind.ReaderFieldMissingDefault, "$.total");
        Assert.Equal("field 'total' (in record shop.Order) has no default and the writer's record shop.Order has no such field: " +
            "data written without it cannot be read", incompatibility.Message);
        Compatible(reader: OrderV1, writer: v2); // forward is fine: old readers skip it
    }

    [Fact]
    public void Removed_field_without_default_in_the_old_schema_breaks_forward()
    {
        var v1 = Record("R", Field("a", "\"int\""), Field("b", "\"int\""));
        var v2 = Record("R", Field("a", "\"int\""));
        Compatible(reader: v2, writer: v1); // backward: the new reader ignores b
        var incompatibility = Single(reader: v1, writer: v2, IncompatibilityKind.ReaderFieldMissingDefault, "$.b");
        Assert.Contains("field 'b' (in record R)", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removed_field_that_had_a_default_in_the_old_schema_is_forward_compatible()
    {
        var v1 = Record("R", Field("a", "\"int\""), Field("b", "\"int\"", "7"));
        var v2 = Record("R", Field("a", "\"int\""));
        Compatible(reader: v1, writer: v2);
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        Compatible(Record("R", Field("a", "\"int\""), Field("b", "\"string\"")), Record("R", Field("b", "\"string\""), Field("a", "\"int\"")));
    }

    [Fact]
    public void Renamed_field_resolves_through_the_reader_fields_alias()
    {
        var writer = Record("R", Field("zip", "\"string\""));
        var reader = Record("R", "{\"name\":\"postalCode\",\"type\":\"string\",\"aliases\":[\"zip\"]}");
        Compatible(reader, writer);

        // The alias belongs to the reader: a writer-side alias does not help an old reader find the new name.
        var incompatibility = Single(reader: writer, writer: reader, IncompatibilityKind.ReaderFieldMissingDefault, "$.zip");
        Assert.Contains("field 'zip'", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_message_mentions_the_aliases_that_were_tried()
    {
        var reader = Record("R", "{\"name\":\"postalCode\",\"type\":\"string\",\"aliases\":[\"zip\",\"postcode\"]}");
        var incompatibility = Single(reader, Record("R"), IncompatibilityKind.ReaderFieldMissingDefault, "$.postalCode");
        Assert.Contains("(nor one named by its aliases 'zip', 'postcode')", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_name_takes_precedence_over_an_alias()
    {
        // The reader's "a" matches the writer's "a" by name even though an alias names the writer's "b".
        var reader = Record("R", "{\"name\":\"a\",\"type\":\"int\",\"aliases\":[\"b\"]}");
        var writer = Record("R", Field("a", "\"int\""), Field("b", "\"string\""));
        Compatible(reader, writer);
    }

    [Fact]
    public void Renamed_record_resolves_through_the_reader_records_alias()
    {
        var writer = "{\"type\":\"record\",\"name\":\"Purchase\",\"namespace\":\"legacy\",\"fields\":[]}";
        var reader = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"aliases\":[\"legacy.Purchase\"],\"fields\":[]}";
        Compatible(reader, writer);
        var incompatibility = Single(reader: writer, writer: reader, IncompatibilityKind.NameMismatch, "$");
        Assert.Equal("the reader's record legacy.Purchase does not match the writer's record shop.Order: " +
            "the names differ and the reader has no alias shop.Order", incompatibility.Message);
    }

    [Fact]
    public void Unqualified_alias_resolves_in_the_readers_namespace()
    {
        var writer = "{\"type\":\"record\",\"name\":\"shop.Purchase\",\"fields\":[]}";
        Compatible("{\"type\":\"record\",\"name\":\"shop.Order\",\"aliases\":[\"Purchase\"],\"fields\":[]}", writer);
        Single("{\"type\":\"record\",\"name\":\"other.Order\",\"aliases\":[\"Purchase\"],\"fields\":[]}", writer,
            IncompatibilityKind.NameMismatch, "$");
    }

    [Fact]
    public void Records_match_by_unqualified_name_across_namespaces()
    {
        // see Avro spec, "Schema Resolution": "both schemas are records with the same (unqualified) name".
        Compatible("{\"type\":\"record\",\"name\":\"v2.Order\",\"fields\":[]}", "{\"type\":\"record\",\"name\":\"v1.Order\",\"fields\":[]}");
    }

    [Fact]
    public void All_incompatibilities_are_collected()
    {
        var writer = Record("R", Field("a", "\"string\""), Field("b", "\"long\""));
        var reader = Record("R", Field("a", "\"int\""), Field("b", "\"int\""), Field("c", "\"int\""));
        var result = Incompatible(reader, writer);
        Assert.Equal(["$.a", "$.b", "$.c"], result.Incompatibilities.Select(i => i.ReaderPath));
        Assert.Equal([IncompatibilityKind.TypeMismatch, IncompatibilityKind.TypeMismatch, IncompatibilityKind.ReaderFieldMissingDefault],
            result.Incompatibilities.Select(i => i.Kind));
        Assert.Equal("$.c: field 'c' (in record R) has no default and the writer's record R has no such field: data written without it cannot be read",
            result.Incompatibilities[2].ToString());
    }

    [Fact]
    public void Name_mismatch_is_reported_along_with_field_problems()
    {
        var result = Incompatible(Record("A", Field("x", "\"int\"")), Record("B"));
        Assert.Equal([IncompatibilityKind.NameMismatch, IncompatibilityKind.ReaderFieldMissingDefault],
            result.Incompatibilities.Select(i => i.Kind));
    }
}
