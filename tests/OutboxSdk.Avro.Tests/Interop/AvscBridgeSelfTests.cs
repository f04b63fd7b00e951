using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>A fact that skips, saying why, when the Apache conformance files are not beside the checkout.</summary>
public sealed class AvscTestDataFactAttribute : FactAttribute
{
    public AvscTestDataFactAttribute()
    {
        if (!Directory.Exists(AvscBridge.SharedTestData))
        {
            Skip = $"Avro conformance data not found at {AvscBridge.SharedTestData} (set OUTBOX_AVRO_TESTDATA)";
        }
    }
}

/// <summary>
/// Proves the bridge itself: that it reads Apache's files as Apache wrote them, encodes per the spec, and
/// round-trips every type without loss, so an interop failure elsewhere points at our code, not the bridge.
/// None of these touch OutboxSdk.Avro.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Interop")]
[Collection(AvscBridge.CollectionName)]
public sealed class AvscBridgeSelfTests(AvscBridge bridge)
{
    private const string AllTypesSchema = """
        {"type": "record", "name": "AllTypes", "namespace": "interop.test", "fields": [
          {"name": "n", "type": "null"},
          {"name": "b", "type": "boolean"},
          {"name": "i", "type": "int"},
          {"name": "l", "type": "long"},
          {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
          {"name": "f", "type": "float"},
          {"name": "d", "type": "double"},
          {"name": "by", "type": "bytes"},
          {"name": "s", "type": "string"},
          {"name": "e", "type": {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}},
          {"name": "fx", "type": {"type": "fixed", "name": "Md5", "namespace": "interop.other", "size": 16}},
          {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
          {"name": "ints", "type": {"type": "array", "items": "int"}},
          {"name": "longs", "type": {"type": "array", "items": "long"}},
          {"name": "nested", "type": {"type": "record", "name": "Nested", "fields": [
            {"name": "label", "type": "string"},
            {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "int"}]}}
          ]}},
          {"name": "byName", "type": {"type": "map", "values": "Nested"}},
          {"name": "u", "type": ["null", "string", "Nested"]},
          {"name": "u2", "type": ["interop.other.Md5", "Suit", "long", "double", "bytes", {"type": "array", "items": "string"}]}
        ]}
        """;

    [AvscTestDataFact]
    public void ReadContainer_Weather_GivesTheRecordsOfWeatherJson()
    {
        var expected = WeatherJson();
        foreach (var file in new[] { "weather.avro", "weather-deflate.avro", "weather-snappy.avro", "weather-sorted.avro" })
        {
            var (schemaJson, lines) = bridge.ReadContainer(File.ReadAllBytes(Path.Combine(AvscBridge.SharedTestData, file)));

            Assert.Equal("test.Weather", FullName(schemaJson)); // Apache wrote it as name "Weather", namespace "test"
            if (file == "weather-sorted.avro")
            {
                // Same readings, sorted by station then time: compare as a multiset.
                Assert.Equal(expected.Select(Key).Order(StringComparer.Ordinal), lines.Select(Parse).Select(Key).Order(StringComparer.Ordinal));
            }
            else
            {
                AssertJsonLinesEqual(expected, lines.Select(Parse).ToList(), file);
            }
        }

        static string Key(JsonNode node) => node.ToJsonString();
    }

    [AvscTestDataFact]
    public void ReadContainer_Zstandard_IsNotSupportedByAvsc()
    {
        // Documents an avsc limitation (no zstandard codec in avsc 5.7.9 or Node 20's zlib): zstd interop
        // can't be tested against avsc.
        var error = Assert.Throws<InvalidOperationException>(
            () => bridge.ReadContainer(File.ReadAllBytes(Path.Combine(AvscBridge.SharedTestData, "weather-zstd.avro"))));
        Assert.Contains("unknown codec: zstandard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteThenReadContainer_AllTypes_RoundTripExactly()
    {
        var datums = AllTypesDatums();
        var lines = datums.Select(d => d.ToJsonString()).ToList();
        foreach (var (codec, blockSize) in new (string, int?)[] { ("null", null), ("deflate", null), ("snappy", null), ("null", 64), ("snappy", 64) })
        {
            var file = bridge.WriteContainer(AllTypesSchema, lines, codec, blockSize);
            Assert.Equal("Obj\u0001"u8.ToArray(), file[..4]);

            var (schemaJson, read) = bridge.ReadContainer(file);
            AssertJsonLinesEqual(datums, read.Select(Parse).ToList(), $"codec {codec}, block size {blockSize}");
            Assert.Equal("interop.test.AllTypes", FullName(schemaJson));

            // The bridge's own output is a fixed point: writing what it read gives the same text again.
            Assert.Equal(read, bridge.ReadContainer(bridge.WriteContainer(AllTypesSchema, read, codec, blockSize)).JsonLines);
        }
    }

    [Fact]
    public void WriteThenReadContainer_ZeroRecords_HasHeaderAndNoDatums()
    {
        var (schemaJson, read) = bridge.ReadContainer(bridge.WriteContainer(AllTypesSchema, []));
        Assert.Empty(read);
        Assert.Equal("interop.test.AllTypes", FullName(schemaJson));
    }

    [Fact]
    public void AllTypes_ExtremesSurviveTheBridgeBitForBit()
    {
        var read = bridge.ReadContainer(bridge.WriteContainer(AllTypesSchema, AllTypesDatums().Select(d => d.ToJsonString()))).JsonLines;
        var first = Parse(read[0]);

        Assert.Equal(long.MaxValue, first["l"]!.GetValue<long>());
        Assert.Equal(long.MinValue, first["longs"]![0]!.GetValue<long>());
        Assert.Equal(int.MinValue, first["ints"]![0]!.GetValue<int>());
        Assert.Equal("9223372036854775807", first["l"]!.ToJsonString()); // an exact integer literal, not quoted
        Assert.Equal(AllBytes, first["by"]!.GetValue<string>());
        Assert.Equal("a\U0001F600z", first["s"]!.GetValue<string>());
        Assert.Equal("NaN", first["d"]!.GetValue<string>());
        Assert.Equal(0.1f, (float)first["f"]!.GetValue<double>());

        var second = Parse(read[1]);
        Assert.Equal("-Infinity", second["f"]!.GetValue<string>());
        Assert.True(double.IsNegative(second["d"]!.GetValue<double>()), "-0.0 keeps its sign");
        Assert.Equal("", second["by"]!.GetValue<string>());
        Assert.Equal("", second["s"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_FollowsTheSpecByteForByte()
    {
        // Hand-computed from the spec: zigzag varints, length-prefixed UTF-8, union index then value.
        Assert.Equal(
            ["00", "01", "02", "7f", "8001", "feffffffffffffffff01", "ffffffffffffffffff01"],
            bridge.Encode("\"long\"", ["0", "-1", "1", "-64", "64", "9223372036854775807", "-9223372036854775808"]).Select(Convert.ToHexStringLower));
        Assert.Equal(
            ["00", "0a61f09f9880"],
            bridge.Encode("\"string\"", ["\"\"", "\"a\\ud83d\\ude00\""]).Select(Convert.ToHexStringLower));
        Assert.Equal(["", ""], bridge.Encode("\"null\"", ["null", "null"]).Select(Convert.ToHexStringLower)); // empty lines are datums
        Assert.Equal(
            ["00", "0206616263", "0402"],
            bridge.Encode("""["null", "string", {"type": "record", "name": "ns.R", "fields": [{"name": "x", "type": "int"}]}]""",
                ["null", """{"string": "abc"}""", """{"ns.R": {"x": 1}}"""]).Select(Convert.ToHexStringLower));
        Assert.Equal(
            ["0000c07f", "0000807f", "000080ff", "cdcccc3d"],
            bridge.Encode("\"float\"", ["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "0.1"]).Select(Convert.ToHexStringLower));
        Assert.Equal(
            ["00", "02000401000000"],
            bridge.Encode("""{"type": "map", "values": {"type": "array", "items": "boolean"}}""", ["{}", """{"":[true,false]}"""])
                .Select(Convert.ToHexStringLower));
        Assert.Equal(["null", "null"], bridge.Decode("\"null\"", [[], []]));
    }

    [Fact]
    public void EncodeThenDecode_AllTypes_RoundTrips()
    {
        var datums = AllTypesDatums();
        var binary = bridge.Encode(AllTypesSchema, datums.Select(d => d.ToJsonString()));
        Assert.Equal(datums.Count, binary.Count);

        var decoded = bridge.Decode(AllTypesSchema, binary);
        AssertJsonLinesEqual(datums, decoded.Select(Parse).ToList(), "encode/decode");
        Assert.Equal(binary, bridge.Encode(AllTypesSchema, decoded)); // and back to the same bytes
    }

    [Fact]
    public void Errors_ComeBackWithTheBridgesMessage()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => bridge.Encode(AllTypesSchema, ["""{"n": null}"""]));
        Assert.Contains("missing field \"b\"", missing.Message, StringComparison.Ordinal);

        var wrongBranch = Assert.Throws<InvalidOperationException>(() => bridge.Encode("""["null", "int"]""", ["""{"long": 1}"""]));
        Assert.Contains("no union branch named \"long\"", wrongBranch.Message, StringComparison.Ordinal);

        var trailing = Assert.Throws<InvalidOperationException>(() => bridge.Decode("\"int\"", [[0x02, 0x02]]));
        Assert.Contains("trailing data", trailing.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidOperationException>(() => bridge.Encode("\"int\"", ["2147483648"]));
        Assert.Throws<InvalidOperationException>(() => bridge.Encode("\"bytes\"", ["\"\\u0100\""]));
    }

    [Fact]
    public void Random_GivesValidJsonLinesReproducibly()
    {
        var lines = bridge.Random(AllTypesSchema, 25, seed: 7);

        Assert.Equal(25, lines.Count);
        Assert.All(lines, line => Assert.Equal(18, Parse(line).AsObject().Count));
        Assert.Equal(lines, bridge.Random(AllTypesSchema, 25, seed: 7));
        Assert.NotEqual(lines, bridge.Random(AllTypesSchema, 25, seed: 8));
        // Valid by the bridge's strict reading, and already in the bridge's own text form.
        Assert.Equal(lines, bridge.Decode(AllTypesSchema, bridge.Encode(AllTypesSchema, lines)));
    }

    [AvscTestDataFact]
    public void Canonical_MatchesSchemaTestsTxt()
    {
        var cases = SchemaTestCases();
        Assert.True(cases.Count > 30, $"expected the Apache schema-tests, found {cases.Count} cases");
        // avsc rejects the empty union ("empty union") that the spec's tests allow.
        cases.RemoveAll(c => c.Input.Replace(" ", "", StringComparison.Ordinal) == "[]");

        var canonicals = bridge.CanonicalAll(cases.Select(c => c.Input));
        Assert.Equal(cases.Count, canonicals.Count);
        for (var k = 0; k < cases.Count; k++)
        {
            Assert.True(cases[k].Canonical == canonicals[k], $"case {cases[k].Number}: {cases[k].Input}{Environment.NewLine}avsc: {canonicals[k]}");
        }

        // The bridge's own CRC-64-AVRO (avsc has none), on a few cases; one node process each.
        var withFingerprint = cases.Where(c => c.Fingerprint is not null).ToList();
        Assert.True(withFingerprint.Count > 10);
        foreach (var (number, input, _, fingerprint) in withFingerprint.Where((_, k) => k % 5 == 0))
        {
            var littleEndian = BitConverter.GetBytes(fingerprint!.Value); // the test host is little-endian
            Assert.True(Convert.ToHexStringLower(littleEndian) == bridge.Fingerprint(input, "rabin"), $"case {number}");
        }
    }

    [Fact]
    public void Fingerprint_HashesTheCanonicalForm()
    {
        var canonical = Encoding.UTF8.GetBytes(bridge.Canonical(AllTypesSchema));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(canonical)), bridge.Fingerprint(AllTypesSchema, "md5"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(canonical)), bridge.Fingerprint(AllTypesSchema, "sha256"));
    }

    private static readonly string AllBytes = new(Enumerable.Range(0, 256).Select(b => (char)b).ToArray());

    private static List<JsonNode> AllTypesDatums()
    {
        const string full = """
            {"n": null, "b": true, "i": -2147483648, "l": 9223372036854775807, "ts": -9223372036854775808,
             "f": 0.10000000149011612, "d": "NaN", "by": BYTES, "s": "a\ud83d\ude00z", "e": "CLUBS",
             "fx": "0123456789abcdef", "dec": "\u00ff\u0000", "ints": [-2147483648, 2147483647, 0],
             "longs": [-9223372036854775808, 9007199254740993, -9007199254740993, 0],
             "nested": {"label": "x", "inner": {"x": 1}},
             "byName": {"a": {"label": "", "inner": {"x": -1}}, "é": {"label": "ü", "inner": {"x": 2147483647}}},
             "u": {"interop.test.Nested": {"label": "in union", "inner": {"x": 5}}},
             "u2": {"interop.other.Md5": "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u00ff"}}
            """;
        const string empties = """
            {"n": null, "b": false, "i": 2147483647, "l": -9223372036854775808, "ts": 0,
             "f": "-Infinity", "d": -0.0, "by": "", "s": "", "e": "SPADES",
             "fx": "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
             "dec": "", "ints": [], "longs": [], "nested": {"label": "", "inner": {"x": 0}},
             "byName": {}, "u": null, "u2": {"array": []}}
            """;
        const string unions = """
            {"n": null, "b": false, "i": 0, "l": 0, "ts": 1, "f": "Infinity", "d": 1.7976931348623157E+308,
             "by": "\"\\/", "s": "tab\there \"quoted\" \\ and \u0001", "e": "HEARTS",
             "fx": "ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ", "dec": "\u0012\u0034", "ints": [1], "longs": [1],
             "nested": {"label": "y", "inner": {"x": 2}}, "byName": {"k": {"label": "v", "inner": {"x": 3}}},
             "u": {"string": ""}, "u2": {"double": "-Infinity"}}
            """;
        var more = new[]
        {
            """{"long": -1}""", """{"double": 5e-324}""", """{"bytes": ""}""", """{"interop.test.Suit": "DIAMONDS"}""",
            """{"array": ["x", "", "\ud83d\ude00"]}""",
        };
        var datums = new List<JsonNode>
        {
            JsonNode.Parse(full.Replace("BYTES", JsonValue.Create(AllBytes).ToJsonString(), StringComparison.Ordinal))!,
            JsonNode.Parse(empties)!,
            JsonNode.Parse(unions)!,
        };
        foreach (var u2 in more)
        {
            var datum = JsonNode.Parse(unions)!;
            datum["u2"] = JsonNode.Parse(u2);
            datums.Add(datum);
        }
        return datums;
    }

    private static List<JsonNode> WeatherJson() =>
        File.ReadAllLines(Path.Combine(AvscBridge.SharedTestData, "weather.json"))
            .Where(line => line.Trim().Length > 0)
            .Select(Parse)
            .ToList();

    private static string FullName(string schemaJson)
    {
        var schema = JsonNode.Parse(schemaJson)!;
        var name = schema["name"]!.GetValue<string>();
        return name.Contains('.', StringComparison.Ordinal) || schema["namespace"] is null
            ? name
            : schema["namespace"]!.GetValue<string>() + "." + name;
    }

    private static JsonNode Parse(string line) => JsonNode.Parse(line) ?? throw new InvalidOperationException("null datum line");

    private static void AssertJsonLinesEqual(List<JsonNode> expected, List<JsonNode> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: {actual.Count} datums, expected {expected.Count}");
        for (var k = 0; k < expected.Count; k++)
        {
            // DeepEquals compares numbers by value at full precision (1e300 == 1E+300, longs exactly).
            Assert.True(
                JsonNode.DeepEquals(expected[k], actual[k]),
                $"{context}, datum {k}:{Environment.NewLine}expected {expected[k].ToJsonString()}{Environment.NewLine}actual   {actual[k].ToJsonString()}");
        }
    }

    /// <summary>schema-tests.txt: "// NNN" headers, then &lt;&lt;INPUT, &lt;&lt;canonical, optional &lt;&lt;fingerprint;
    /// a value on the tag's line, or on the lines up to a line holding only the tag's name.</summary>
    private static List<(string Number, string Input, string Canonical, long? Fingerprint)> SchemaTestCases()
    {
        var lines = File.ReadAllLines(Path.Combine(AvscBridge.SharedTestData, "schema-tests.txt"));
        var result = new List<(string, string, string, long?)>();
        string number = "?";
        string? input = null, canonical = null;
        long? fingerprint = null;

        void Flush()
        {
            if (input is not null && canonical is not null)
            {
                result.Add((number, input, canonical, fingerprint));
            }
            input = canonical = null;
            fingerprint = null;
        }

        for (var k = 0; k < lines.Length; k++)
        {
            var line = lines[k];
            if (line.StartsWith("// ", StringComparison.Ordinal) && line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                Flush();
                number = line[3..].Trim();
                continue;
            }
            if (!line.StartsWith("<<", StringComparison.Ordinal))
            {
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var tag = space < 0 ? line[2..] : line[2..space];
            string value;
            if (space >= 0)
            {
                value = line[(space + 1)..];
            }
            else
            {
                var body = new List<string>();
                while (lines[++k].Trim() != tag)
                {
                    body.Add(lines[k]);
                }
                value = string.Join('\n', body);
            }
            switch (tag)
            {
                case "INPUT": input = value; break;
                case "canonical": canonical = value.Trim(); break;
                case "fingerprint": fingerprint = long.Parse(value.Trim(), CultureInfo.InvariantCulture); break;
            }
        }
        Flush();
        return result;
    }
}
