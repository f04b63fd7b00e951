using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OutboxSdk.Cli.Tests;

/// <summary><c>fromjson</c> then <c>tojson</c> gives back the same datums, for a schema using every kind of type.</summary>
public sealed class RoundTripTests : IClassFixture<TempDir>
{
    private readonly TempDir _temp;

    public RoundTripTests(TempDir temp) => _temp = temp;

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void Fromjson_then_tojson_round_trips_a_rich_schema(string codec)
    {
        var lines = RichData.Lines(count: 400, seed: 7);
        var input = RichData.WithBlankLines(lines);
        var container = _temp.NewPath(codec + ".avro");
        var write = CliHarness.Run("avro", "fromjson", "--schema", _temp.Write("rich.avsc", RichData.Schema), "--codec", codec,
            _temp.Write("rich.jsonl", input), container);
        Assert.Equal(new CliResult(0, "", ""), write);

        var read = CliHarness.Run("avro", "tojson", container);
        Assert.Equal("", read.Stderr);
        Assert.Equal(0, read.ExitCode);
        AssertSameJsonLines(lines, read.StdoutLines);
        Assert.Equal(codec, ReadCodec(container));
    }

    [Fact]
    public void Bytes_with_all_256_values_survive()
    {
        var all = new string(Enumerable.Range(0, 256).Select(i => (char)i).ToArray());
        var line = "{\"b\":" + JsonSerializer.Serialize(all) + "}";
        var container = _temp.NewPath("bytes.avro");
        Assert.Equal(0, CliHarness.Run("avro", "fromjson", "--schema",
            _temp.Write("b.avsc", "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"b\",\"type\":\"bytes\"}]}"),
            _temp.WriteLines("b.jsonl", [line]), container).ExitCode);
        var read = CliHarness.Run("avro", "tojson", container);
        Assert.Equal(all, JsonNode.Parse(Assert.Single(read.StdoutLines))!["b"]!.GetValue<string>());
    }

    [Fact]
    public void Fromjson_replaces_an_existing_target_and_leaves_no_temporary_file()
    {
        using var temp = new TempDir();
        var container = Path.Combine(temp.Path, "out.avro");
        File.WriteAllText(container, "old content");
        var schema = temp.Write("s.avsc", "\"long\"");
        Assert.Equal(new CliResult(0, "", ""), CliHarness.Run("avro", "fromjson", "--schema", schema, temp.WriteLines("l.jsonl", ["1", "-2", "9223372036854775807"]), container));
        Assert.Equal(["1", "-2", "9223372036854775807"], CliHarness.Run("avro", "tojson", container).StdoutLines);
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_comparison_is_exact_for_big_longs()
    {
        Assert.False(JsonNode.DeepEquals(JsonNode.Parse("9223372036854775807"), JsonNode.Parse("9223372036854775806")));
        Assert.False(JsonNode.DeepEquals(JsonNode.Parse("{\"a\":\"\\u00ff\"}"), JsonNode.Parse("{\"a\":\"\\u00fe\"}")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"a\":\"\\u00ff\"}"), JsonNode.Parse("{\"a\":\"\u00ff\"}")));
    }

    internal static void AssertSameJsonLines(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), JsonNode.Parse(actual[i])),
                $"line {i + 1}:{Environment.NewLine}expected {expected[i]}{Environment.NewLine}actual   {actual[i]}");
        }
    }

    private static string ReadCodec(string container)
    {
        var raw = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(container).AsSpan(0, 2048));
        foreach (var name in new[] { "deflate", "snappy", "zstandard" })
        {
            if (raw.Contains("avro.codec", StringComparison.Ordinal) && raw.Contains(name, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return "null";
    }
}

/// <summary>A schema with records, unions, maps, arrays, enums, fixed, bytes and logical types, and seeded datums for it.</summary>
internal static class RichData
{
    public const string Schema = """
        {"type":"record","name":"Order","namespace":"com.example","doc":"a rich order","fields":[
          {"name":"id","type":{"type":"string","logicalType":"uuid"}},
          {"name":"count","type":"int"},
          {"name":"big","type":"long"},
          {"name":"ratio","type":"float"},
          {"name":"score","type":"double"},
          {"name":"flag","type":"boolean"},
          {"name":"nothing","type":"null"},
          {"name":"raw","type":"bytes"},
          {"name":"hash","type":{"type":"fixed","name":"MD5","size":16}},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"],"default":"NEW"}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"attrs","type":{"type":"map","values":["null","long","string"]}},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","namespace":"com.example.items","fields":[
            {"name":"sku","type":"string"},
            {"name":"qty","type":"int"},
            {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}}},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"choice","type":["null","Status","com.example.items.Line",{"type":"map","values":"int"},"double","bytes"]},
          {"name":"date","type":{"type":"int","logicalType":"date"}},
          {"name":"timeMs","type":{"type":"int","logicalType":"time-millis"}},
          {"name":"timeUs","type":{"type":"long","logicalType":"time-micros"}},
          {"name":"tsMs","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"tsUs","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"localTs","type":{"type":"long","logicalType":"local-timestamp-millis"}},
          {"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":18,"scale":4}},
          {"name":"duration","type":{"type":"fixed","name":"Duration","size":12,"logicalType":"duration"}},
          {"name":"next","type":["null","Order"],"default":null}
        ]}
        """;

    private static readonly string AllBytes = new(Enumerable.Range(0, 256).Select(i => (char)i).ToArray());

    public static List<string> Lines(int count, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var order = Order(random, i, depth: 0);
            lines.Add(order.ToJsonString());
        }

        return lines;
    }

    /// <summary>The lines with blank and whitespace-only lines between some of them (fromjson skips those).</summary>
    public static string WithBlankLines(IReadOnlyList<string> lines)
    {
        var builder = new System.Text.StringBuilder("\n");
        for (var i = 0; i < lines.Count; i++)
        {
            builder.Append(lines[i]).Append('\n');
            if (i % 50 == 3)
            {
                builder.Append(i % 100 == 3 ? "\n" : "   \t\n");
            }
        }

        return builder.ToString();
    }

    private static JsonObject Order(Random random, int i, int depth)
    {
        var raw = i == 0 ? AllBytes : Bytes(random, random.Next(0, 40));
        var order = new JsonObject
        {
            ["id"] = new Guid(Bytes(random, 16).Select(c => (byte)c).ToArray()).ToString(),
            ["count"] = i % 7 == 0 ? int.MinValue + i : random.Next(int.MinValue, int.MaxValue),
            ["big"] = i % 5 == 0 ? long.MaxValue - i : random.NextInt64(long.MinValue, long.MaxValue),
            ["ratio"] = random.Next(-1000, 1000) / 8.0,
            ["score"] = i switch { 1 => (JsonNode)"NaN", 2 => "Infinity", 3 => "-Infinity", _ => Math.Round(random.NextDouble() * 1e6, 6) },
            ["flag"] = random.Next(2) == 1,
            ["nothing"] = null,
            ["raw"] = raw,
            ["hash"] = Bytes(random, 16),
            ["status"] = new[] { "NEW", "PAID", "SHIPPED" }[random.Next(3)],
            ["tags"] = new JsonArray(Enumerable.Range(0, random.Next(4)).Select(t => (JsonNode?)$"tag-{t}-\u00e9\u4e2d\ud83d\ude00\"\\").ToArray()),
            ["attrs"] = Attrs(random),
            ["lines"] = new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => (JsonNode?)Line(random)).ToArray()),
            ["note"] = random.Next(2) == 0 ? null : new JsonObject { ["string"] = "note " + i.ToString(CultureInfo.InvariantCulture) },
            ["choice"] = (i % 6) switch
            {
                0 => null,
                1 => new JsonObject { ["com.example.Status"] = "PAID" },
                2 => new JsonObject { ["com.example.items.Line"] = Line(random) },
                3 => new JsonObject { ["map"] = new JsonObject { ["a"] = 1, ["b"] = -2 } },
                4 => new JsonObject { ["double"] = 0.5 },
                _ => new JsonObject { ["bytes"] = Bytes(random, 5) },
            },
            ["date"] = random.Next(-100_000, 100_000),
            ["timeMs"] = random.Next(0, 86_400_000),
            ["timeUs"] = random.NextInt64(0, 86_400_000_000L),
            ["tsMs"] = random.NextInt64(-10_000_000_000_000L, 10_000_000_000_000L),
            ["tsUs"] = random.NextInt64(long.MinValue, long.MaxValue),
            ["localTs"] = random.NextInt64(0, 4_000_000_000_000L),
            ["amount"] = Bytes(random, 8),
            ["duration"] = Bytes(random, 12),
            ["next"] = depth < 2 && random.Next(3) == 0 ? new JsonObject { ["com.example.Order"] = Order(random, i + 1, depth + 1) } : null,
        };
        return order;
    }

    private static JsonObject Attrs(Random random)
    {
        var attrs = new JsonObject();
        for (var k = random.Next(4); k > 0; k--)
        {
            attrs["k" + k.ToString(CultureInfo.InvariantCulture)] = (k % 3) switch
            {
                0 => null,
                1 => new JsonObject { ["long"] = random.NextInt64() },
                _ => new JsonObject { ["string"] = "v" + k.ToString(CultureInfo.InvariantCulture) },
            };
        }

        return attrs;
    }

    private static JsonObject Line(Random random) => new()
    {
        ["sku"] = "SKU-" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        ["qty"] = random.Next(1, 100),
        ["price"] = Bytes(random, random.Next(1, 6)),
    };

    private static string Bytes(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(256);
        }

        return new string(chars);
    }
}
