using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// see Avro spec, "Schema Resolution": primitives match themselves and the listed promotions only.
public class PrimitiveCompatibilityTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("boolean")]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("float")]
    [InlineData("double")]
    [InlineData("bytes")]
    [InlineData("string")]
    public void Same_primitive_is_compatible(string type) => Compatible($"\"{type}\"", $"\"{type}\"");

    [Theory]
    [InlineData("long", "int")]
    [InlineData("float", "int")]
    [InlineData("double", "int")]
    [InlineData("float", "long")]
    [InlineData("double", "long")]
    [InlineData("double", "float")]
    [InlineData("bytes", "string")]
    [InlineData("string", "bytes")]
    public void Spec_promotions_are_compatible(string reader, string writer) => Compatible($"\"{reader}\"", $"\"{writer}\"");

    [Theory]
    [InlineData("int", "long")]
    [InlineData("int", "float")]
    [InlineData("int", "double")]
    [InlineData("long", "float")]
    [InlineData("long", "double")]
    [InlineData("float", "double")]
    [InlineData("null", "int")]
    [InlineData("int", "null")]
    [InlineData("boolean", "int")]
    [InlineData("int", "boolean")]
    [InlineData("string", "int")]
    [InlineData("double", "string")]
    [InlineData("bytes", "int")]
    [InlineData("bytes", "null")]
    [InlineData("string", "boolean")]
    public void Narrowing_or_unrelated_primitives_are_a_type_mismatch(string reader, string writer)
    {
        var incompatibility = Single($"\"{reader}\"", $"\"{writer}\"", IncompatibilityKind.TypeMismatch, "$");
        Assert.Contains("expects " + reader, incompatibility.Message, StringComparison.Ordinal);
        Assert.Contains("can write " + writer, incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int_to_long_promotion_is_backward_compatible_but_not_forward()
    {
        var v1 = Record("R", Field("n", "\"int\""));
        var v2 = Record("R", Field("n", "\"long\""));
        Compatible(reader: v2, writer: v1);
        var incompatibility = Single(reader: v1, writer: v2, IncompatibilityKind.TypeMismatch, "$.n");
        Assert.Equal("field 'n' (in record R): the reader expects int but the writer can write long, which does not promote to int",
            incompatibility.Message);
    }

    [Fact]
    public void String_and_bytes_are_interchangeable_in_both_directions()
    {
        var asString = Record("R", Field("payload", "\"string\""));
        var asBytes = Record("R", Field("payload", "\"bytes\""));
        Compatible(asString, asBytes);
        Compatible(asBytes, asString);
    }

    [Fact]
    public void Logical_types_other_than_decimal_do_not_affect_compatibility()
    {
        Compatible("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"long\"");
        Compatible("\"long\"", "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}");
        Compatible("{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}", "{\"type\":\"int\",\"logicalType\":\"date\"}");
        Compatible("\"string\"", "{\"type\":\"string\",\"logicalType\":\"uuid\"}");
    }

    [Fact]
    public void Complex_types_do_not_match_primitives()
    {
        Single("\"int\"", "{\"type\":\"array\",\"items\":\"int\"}", IncompatibilityKind.TypeMismatch, "$");
        Single(Record("R"), "\"int\"", IncompatibilityKind.TypeMismatch, "$");
        Single("{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}", "\"bytes\"", IncompatibilityKind.TypeMismatch, "$");
    }
}
