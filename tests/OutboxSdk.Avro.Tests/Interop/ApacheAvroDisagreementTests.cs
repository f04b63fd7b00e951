using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using ApacheNormalization = Avro.SchemaNormalization;
using ApacheSchema = Avro.Schema;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Each place Apache.Avro 1.12.2 and we part, pinned: what the spec says (we assert it of ours) and what Apache.Avro
/// does (asserted too, so a fixed Apache.Avro shows up here and the cross-checks can stop leaving the case out).
/// docs/avro.md, "Where Apache.Avro disagrees", lists them with the spec sections.
/// </summary>
public sealed class ApacheAvroDisagreementTests
{
    [Fact]
    public void FixedOfSizeZero_IsASchema()
    {
        // see Avro spec, "Fixed": "size: an integer, specifying the number of bytes per value" — zero included.
        const string Json = """{"type":"fixed","name":"Empty","size":0}""";
        var ours = (FixedSchema)AvroSchema.Parse(Json);
        Assert.Equal(0, ours.Size);
        Assert.Empty(GenericDatumWriter.ToArray(ours, new byte[0]));

        Assert.ThrowsAny<global::Avro.AvroException>(() => ApacheSchema.Parse(Json));
    }

    [Fact]
    public void EmptyNamespace_IsTheNullNamespace()
    {
        // see Avro spec, "Names": "The empty string may also be used as a namespace to indicate the null namespace."
        const string Json = """{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"f","type":{"type":"fixed","name":"Inner","namespace":"","size":1}}]}""";
        const string Canonical = """{"name":"a.Outer","type":"record","fields":[{"name":"f","type":{"name":"Inner","type":"fixed","size":1}}]}""";
        Assert.Equal(Canonical, AvroSchema.Parse(Json).ToCanonicalForm());

        // Apache.Avro puts Inner in the enclosing namespace.
        Assert.Contains("\"a.Inner\"", ApacheNormalization.ToParsingForm(ApacheSchema.Parse(Json)), StringComparison.Ordinal);
    }

    [Fact]
    public void FixedWithALogicalType_CanonicalFormIsTheFixed()
    {
        // see Avro spec, "Parsing Canonical Form for Schemas": [STRIP] keeps only name, type, fields, symbols, items,
        // values, size; [FULLNAMES] writes names in full. The logical type goes, the fixed stays, in full.
        const string Json = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"scale":2}}]}""";
        const string Canonical = """{"name":"n.R","type":"record","fields":[{"name":"d","type":{"name":"n.D","type":"fixed","size":8}}]}""";
        Assert.Equal(Canonical, AvroSchema.Parse(Json).ToCanonicalForm());

        // Apache.Avro writes the bare name "D" where the definition belongs.
        Assert.NotEqual(Canonical, ApacheNormalization.ToParsingForm(ApacheSchema.Parse(Json)));
    }

    [Fact]
    public void UuidOnFixed16_IsReadable()
    {
        // see Avro spec, "Logical Types", "UUID": it annotates "an Avro string or fixed of length 16".
        const string Json = """{"type":"fixed","name":"Id","size":16,"logicalType":"uuid"}""";
        var ours = AvroSchema.Parse(Json);
        Assert.Equal(LogicalTypeKind.Uuid, ours.LogicalType?.Kind);
        byte[] bytes = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(bytes, ((GenericFixed)new GenericDatumReader(ours).Read(bytes)!).Value.ToArray());

        // Apache.Avro parses the schema and then refuses to read its data.
        var error = Assert.ThrowsAny<global::Avro.AvroException>(() => ApacheAvroDatumTests.ApacheRead(ApacheSchema.Parse(Json), bytes));
        Assert.Contains("uuid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrimitiveWithAttributes_IsWrittenFlat()
    {
        // see Avro spec, "Schema Declaration": {"type": "typeName" ...attributes...}, typeName a type's name.
        const string Json = """{"type":"bytes","x-unit":"cents"}""";
        Assert.Equal(Json, AvroSchema.Parse(Json).ToString());

        // Apache.Avro nests the primitive ({"type":{"type":"bytes",...}}), in container headers too; we reject that form.
        string theirs = ApacheSchema.Parse(Json).ToString();
        Assert.True(ApacheAvroDifferences.NestsPrimitiveTypes(theirs), theirs);
        Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(theirs));
    }

    [Fact]
    public void ErrorRecord_CanonicalFormIsARecord()
    {
        // "error" is the protocols' record; parsed as a schema it has a record's canonical form.
        const string Json = """{"type":"error","name":"Oops","namespace":"n","fields":[{"name":"m","type":"string"}]}""";
        Assert.Equal("""{"name":"n.Oops","type":"record","fields":[{"name":"m","type":"string"}]}""", AvroSchema.Parse(Json).ToCanonicalForm());

        // Apache.Avro's canonical form of it is its bare name.
        Assert.Equal("\"Oops\"", ApacheNormalization.ToParsingForm(ApacheSchema.Parse(Json)));
    }

    [Fact]
    public void LogicalValuesOutsideTheirDotNetRange_AreStillData()
    {
        // see Avro spec, "Logical Types": the encoding is the underlying type's. A time-millis of -1 is an int on
        // the wire; we keep the underlying value (docs/avro.md, the generic datum model), Apache.Avro converts to
        // TimeSpan and throws. The spec names no rule for such values, so this is a model difference only.
        const string Json = """{"type":"int","logicalType":"time-millis"}""";
        byte[] minusOne = [0x01];
        Assert.Equal(-1, new GenericDatumReader(AvroSchema.Parse(Json)).Read(minusOne));

        Assert.Throws<ArgumentOutOfRangeException>(() => ApacheAvroDatumTests.ApacheRead(ApacheSchema.Parse(Json), minusOne));
    }
}
