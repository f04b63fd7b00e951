using System.Globalization;

namespace OutboxSdk.Cli.Tests;

internal sealed record SchemaTestCase(string Input, string Canonical, long? Fingerprint);

/// <summary>
/// Parses Apache's schema-tests.txt: <c>&lt;&lt;INPUT schema</c>, <c>&lt;&lt;canonical form</c>, optional
/// <c>&lt;&lt;fingerprint n</c>; a key alone on its line starts a heredoc ending at a line that is the key.
/// </summary>
internal static class SchemaTestsTxt
{
    private static readonly Lazy<List<SchemaTestCase>> Cases = new(Parse);

    public static string FilePath => global::OutboxSdk.Avro.Tests.TestData.File("schema-tests.txt");

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
            if (!line.StartsWith("<<", StringComparison.Ordinal))
            {
                if (line.Trim().Length == 0)
                {
                    Flush();
                }

                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? line[2..] : line[2..space];
            string value;
            if (space < 0)
            {
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

            switch (key.ToUpperInvariant())
            {
                case "INPUT":
                    Flush();
                    input = value;
                    break;
                case "CANONICAL":
                    canonical = value;
                    break;
                case "FINGERPRINT":
                    fingerprint = long.Parse(value.Trim(), CultureInfo.InvariantCulture);
                    break;
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
