namespace OutboxSdk.Avro.Tests.Schema;

internal sealed record SchemaTestCase(string Input, string Canonical, long? Fingerprint);

/// <summary>Parses schema-tests.txt: <c>&lt;&lt;INPUT</c>, <c>&lt;&lt;canonical</c>, <c>&lt;&lt;fingerprint</c> items, single-line or heredoc.</summary>
internal static class SchemaTestsTxt
{
    private static readonly Lazy<List<SchemaTestCase>> Cases = new(Parse);

    public static string FilePath => TestData.File("schema-tests.txt");

    public static List<SchemaTestCase> Load() => Cases.Value;

    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Load().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static List<SchemaTestCase> Parse()
    {
        var lines = File.ReadAllLines(FilePath);
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
