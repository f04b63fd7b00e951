using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Properties;
using OutboxSdk.Avro.Tests.Schema;
using ApacheSchema = Avro.Schema;
using ApacheNormalization = Avro.SchemaNormalization;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Apache.Avro, Apache's own .NET implementation, as an in-process oracle for schemas: every schema we accept
/// parses there with the same Parsing Canonical Form and the same CRC-64-AVRO fingerprint
/// (see Avro spec, "Parsing Canonical Form for Schemas" and "Schema Fingerprints").
/// </summary>
public sealed class ApacheAvroSchemaTests
{
    private const int RandomSchemaSeeds = 400;

    public static TheoryData<int> CorpusIndexes() => SchemaTestsTxt.Indexes();

    [Theory]
    [MemberData(nameof(CorpusIndexes))]
    public void SchemaCorpus_SameCanonicalFormAndFingerprint(int index)
    {
        SchemaTestCase test = SchemaTestsTxt.Load()[index];
        AssertSameAsApache(test.Input, $"schema-tests.txt #{index}");
    }

    [Fact]
    public void RandomSchemas_SameCanonicalFormAndFingerprint()
    {
        int compared = 0;
        for (int seed = 0; seed < RandomSchemaSeeds; seed++)
        {
            string json = RandomSchemas.Json(seed);
            if (ApacheAvroDifferences.OfCanonicalForm(AvroSchema.Parse(json)) is null)
            {
                AssertSameAsApache(json, $"random schema seed {seed}");
                compared++;
            }
        }

        // The known differences must not leave the check empty.
        Assert.True(compared > RandomSchemaSeeds / 2, $"only {compared} of {RandomSchemaSeeds} random schemas were compared");
    }

    [Theory]
    [InlineData("schemas_interop.avsc")]
    [InlineData("schemas_weather.avsc")]
    [InlineData("messageV1_test_schema.avsc")]
    [InlineData("schemas_simple_schema.json")]
    [InlineData("schemas_withUnion_schema.json")]
    public void ConformanceSchemas_SameCanonicalFormAndFingerprint(string file)
    {
        AssertSameAsApache(File.ReadAllText(TestData.File(file)), file);
    }

    /// <summary>Parses <paramref name="json"/> with both libraries and compares what the spec defines.</summary>
    internal static void AssertSameAsApache(string json, string context)
    {
        AvroSchema ours = AvroSchema.Parse(json);
        ApacheSchema theirs;
        try
        {
            theirs = ApacheSchema.Parse(json);
        }
        catch (global::Avro.AvroException e)
        {
            Assert.Fail($"{context}: Apache.Avro rejects a schema we accept: {e.Message}{Environment.NewLine}{json}");
            return;
        }

        string canonical = ApacheNormalization.ToParsingForm(theirs);
        Assert.True(ours.ToCanonicalForm() == canonical,
            $"{context}: canonical forms differ{Environment.NewLine}ours:   {ours.ToCanonicalForm()}{Environment.NewLine}Apache: {canonical}{Environment.NewLine}{json}");
        Assert.True(ours.Fingerprint64 == ApacheNormalization.ParsingFingerprint64(theirs),
            $"{context}: CRC-64-AVRO fingerprints differ: ours {ours.Fingerprint64}, Apache {ApacheNormalization.ParsingFingerprint64(theirs)}");
    }
}
