using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Schema;

/// <summary>Every case of Apache Avro's schema-tests.txt: the Parsing Canonical Form and the CRC-64-AVRO fingerprint.</summary>
public sealed class SchemaTestsTxtTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < SchemaTestsTxt.Load().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

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

internal sealed record SchemaTestCase(string Input, string Canonical, long? Fingerprint);

/// <summary>Parses schema-tests.txt: <c>&lt;&lt;INPUT</c>, <c>&lt;&lt;canonical</c>, <c>&lt;&lt;fingerprint</c> items, single-line or heredoc.</summary>
internal static class SchemaTestsTxt
{
    private static readonly Lazy<List<SchemaTestCase>> Cases = new(Parse);

    public static List<SchemaTestCase> Load() => Cases.Value;

    private static List<SchemaTestCase> Parse()
    {
        var lines = File.ReadAllLines(TestData.File("schema-tests.txt"));
        var result = new List<SchemaTestCase>();
        string? input = null, canonical = null;
        long? fingerprint = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('#'))
            {
                continue;
            }

            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            if (!line.StartsWith("<<", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? line[2..] : line[2..space];
            string value;
            if (space < 0)
            {
                // heredoc: the value runs until a line that is exactly the key
                var body = new List<string>();
                for (i++; i < lines.Length && lines[i] != key; i++)
                {
                    body.Add(lines[i]);
                }

                value = string.Join("\n", body);
            }
            else
            {
                value = line[(space + 1)..];
            }

            switch (key.ToLowerInvariant())
            {
                case "input": Flush(); input = value; break;
                case "canonical": canonical = value; break;
                case "fingerprint": fingerprint = long.Parse(value.Trim(), System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }

        Flush();
        return result;

        void Flush()
        {
            if (input is not null && canonical is not null)
            {
                result.Add(new SchemaTestCase(input, canonical, fingerprint));
            }

            input = canonical = null;
            fingerprint = null;
        }
    }
}
