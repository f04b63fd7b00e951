using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// Arrays, maps, recursion and decimals (see Avro spec, "Schema Resolution" and "Logical Types").
public class NestedCompatibilityTests
{
    private static string LinkedList(string valueType) =>
        "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"value\",\"type\":\"" + valueType + "\"}," +
        "{\"name\":\"next\",\"type\":[\"null\",\"Node\"],\"default\":null}]}";

    [Fact]
    public void Array_items_and_map_values_resolve_recursively()
    {
        Compatible("{\"type\":\"array\",\"items\":\"long\"}", "{\"type\":\"array\",\"items\":\"int\"}");
        Compatible("{\"type\":\"map\",\"values\":\"long\"}", "{\"type\":\"map\",\"values\":\"int\"}");
        Single("{\"type\":\"array\",\"items\":\"int\"}", "{\"type\":\"array\",\"items\":\"long\"}", IncompatibilityKind.TypeMismatch, "$[]");
        Single("{\"type\":\"map\",\"values\":\"int\"}", "{\"type\":\"map\",\"values\":\"long\"}", IncompatibilityKind.TypeMismatch, "${}");
    }

    [Fact]
    public void Array_and_map_do_not_match_each_other()
    {
        Single("{\"type\":\"array\",\"items\":\"int\"}", "{\"type\":\"map\",\"values\":\"int\"}", IncompatibilityKind.TypeMismatch, "$");
        Single("{\"type\":\"map\",\"values\":\"int\"}", "{\"type\":\"array\",\"items\":\"int\"}", IncompatibilityKind.TypeMismatch, "$");
    }

    [Fact]
    public void Record_inside_an_array_reports_the_path_and_field()
    {
        var line = "{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"price\",\"type\":\"TYPE\"}]}";
        var reader = "{\"type\":\"record\",\"name\":\"shop.Order\",\"fields\":[{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":" +
            line.Replace("TYPE", "int", StringComparison.Ordinal) + "}}]}";
        var writer = reader.Replace("\"price\",\"type\":\"int\"", "\"price\",\"type\":\"double\"", StringComparison.Ordinal);
        var incompatibility = Single(reader, writer, IncompatibilityKind.TypeMismatch, "$.lines[].price");
        Assert.Equal("field 'price' (in record shop.Line): the reader expects int but the writer can write double, which does not promote to int",
            incompatibility.Message);
    }

    [Fact]
    public void Record_inside_a_map_reports_the_path_and_field()
    {
        var reader = Record("Catalog", Field("items", "{\"type\":\"map\",\"values\":" + Record("Item", Field("sku", "\"string\"")) + "}"));
        var writer = Record("Catalog", Field("items", "{\"type\":\"map\",\"values\":" + Record("Item") + "}"));
        var incompatibility = Single(reader, writer, IncompatibilityKind.ReaderFieldMissingDefault, "$.items{}.sku");
        Assert.StartsWith("field 'sku' (in record Item) has no default", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_of_a_field_are_named_in_the_message()
    {
        var incompatibility = Single(Record("R", Field("tags", "{\"type\":\"array\",\"items\":\"int\"}")),
            Record("R", Field("tags", "{\"type\":\"array\",\"items\":\"string\"}")), IncompatibilityKind.TypeMismatch, "$.tags[]");
        Assert.StartsWith("the items of field 'tags' (in record R): ", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursive_linked_lists_terminate()
    {
        Compatible(LinkedList("int"), LinkedList("int"));
        Compatible(reader: LinkedList("long"), writer: LinkedList("int"));
        var incompatibility = Single(reader: LinkedList("int"), writer: LinkedList("long"), IncompatibilityKind.TypeMismatch, "$.value");
        Assert.Contains("(in record Node)", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutually_recursive_records_terminate()
    {
        static string Tree(string leaf) =>
            "{\"type\":\"record\",\"name\":\"Tree\",\"fields\":[{\"name\":\"children\",\"type\":{\"type\":\"array\",\"items\":" +
            "{\"type\":\"record\",\"name\":\"Branch\",\"fields\":[{\"name\":\"tree\",\"type\":\"Tree\"}," +
            "{\"name\":\"leaf\",\"type\":\"" + leaf + "\"}]}}}]}";
        Compatible(Tree("double"), Tree("float"));
        Single(Tree("float"), Tree("double"), IncompatibilityKind.TypeMismatch, "$.children[].leaf");
    }

    [Fact]
    public void Named_type_used_twice_is_reported_once()
    {
        var point = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"TYPE\"}]}";
        var reader = Record("Line", Field("from", point.Replace("TYPE", "int", StringComparison.Ordinal)), Field("to", "\"P\""));
        var writer = Record("Line", Field("from", point.Replace("TYPE", "long", StringComparison.Ordinal)), Field("to", "\"P\""));
        Single(reader, writer, IncompatibilityKind.TypeMismatch, "$.from.x");
    }

    [Fact]
    public void Decimal_precision_change_is_a_decimal_mismatch()
    {
        var d10 = Record("R", Field("amount", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}"));
        var d12 = Record("R", Field("amount", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}"));
        var incompatibility = Single(d10, d12, IncompatibilityKind.DecimalMismatch, "$.amount");
        Assert.Equal("field 'amount' (in record R): the reader's bytes (decimal(10, 2)) differs from the writer's bytes (decimal(12, 2)): " +
            "decimals resolve only when precision and scale are both equal", incompatibility.Message);
        Single(d12, d10, IncompatibilityKind.DecimalMismatch, "$.amount");
    }

    [Fact]
    public void Decimal_scale_change_is_a_decimal_mismatch_also_on_fixed()
    {
        const string Format = "{\"type\":\"fixed\",\"name\":\"Money\",\"size\":8,\"logicalType\":\"decimal\",\"precision\":10,\"scale\":SCALE}";
        Single(Format.Replace("SCALE", "2", StringComparison.Ordinal), Format.Replace("SCALE", "4", StringComparison.Ordinal),
            IncompatibilityKind.DecimalMismatch, "$");
        Compatible(Format.Replace("SCALE", "2", StringComparison.Ordinal), Format.Replace("SCALE", "2", StringComparison.Ordinal));
    }

    [Fact]
    public void Decimal_against_plain_bytes_resolves_on_the_underlying_type()
    {
        var dec = "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}";
        Compatible(dec, "\"bytes\"");
        Compatible("\"bytes\"", dec);
    }

    [Fact]
    public void Reader_union_skips_a_decimal_branch_of_other_precision()
    {
        // see Avro spec, "Decimal": such decimals do not match, so the union looks further.
        var reader = "[{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2},\"null\"]";
        Single(reader, "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}", IncompatibilityKind.MissingUnionBranch, "$");
    }
}
