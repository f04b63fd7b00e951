using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Schema;

/// <summary>Every case of Apache Avro's schema-tests.txt: the Parsing Canonical Form and the CRC-64-AVRO fingerprint.</summary>
public sealed class SchemaTestsTxtTests
{
    public static TheoryData<int> Cases() => SchemaTestsTxt.Indexes();

    [Fact]
    public void The_file_has_the_cases_we_expect()
    {
        var cases = SchemaTestsTxt.Load();
        var inputs = File.ReadAllLines(TestData.File("schema-tests.txt")).Count(l => l.StartsWith("<<INPUT", StringComparison.Ordinal));
        Assert.Equal(inputs, cases.Count);
        Assert.Contains(cases, c => c.Fingerprint is not null);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canonical_form_matches(int index)
    {
        var testCase = SchemaTestsTxt.Load()[index];
        var schema = AvroSchema.Parse(testCase.Input);
        Assert.Equal(testCase.Canonical, schema.ToCanonicalForm());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fingerprint_matches(int index)
    {
        var testCase = SchemaTestsTxt.Load()[index];
        if (testCase.Fingerprint is not { } expected)
        {
            return;
        }

        Assert.Equal(expected, AvroSchema.Parse(testCase.Input).Fingerprint64);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Printing_and_reparsing_keeps_the_canonical_form(int index)
    {
        var schema = AvroSchema.Parse(SchemaTestsTxt.Load()[index].Input);
        Assert.Equal(schema.ToCanonicalForm(), AvroSchema.Parse(schema.ToString()).ToCanonicalForm());
    }
}
