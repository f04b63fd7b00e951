using System.Security.Cryptography;
using System.Text;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Properties;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Byte-level compatibility with avsc, an independent implementation: container files both ways, single datums
/// byte-for-byte, canonical forms and fingerprints. Datums cross as our JSON encoding and are compared as datums
/// (read back with our schema): maps order-insensitively, floats by value, any NaN equal to any NaN.
/// Each bridge call starts node (~150 ms), so every call carries a whole batch.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Interop")]
[Collection(AvscBridge.CollectionName)]
public sealed class AvscInteropTests(AvscBridge bridge)
{
    private const string EverythingSchemaJson = """
        {"type": "record", "name": "Everything", "namespace": "interop.props", "doc": "every type", "fields": [
          {"name": "n", "type": "null"},
          {"name": "b", "type": "boolean"},
          {"name": "i", "type": "int"},
          {"name": "l", "type": "long"},
          {"name": "f", "type": "float"},
          {"name": "d", "type": "double"},
          {"name": "by", "type": "bytes"},
          {"name": "s", "type": "string"},
          {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "_blue"], "default": "RED"}},
          {"name": "f0", "type": {"type": "fixed", "name": "Empty", "namespace": "other", "size": 0}},
          {"name": "f16", "type": {"type": "fixed", "name": "Id", "size": 16, "logicalType": "uuid"}},
          {"name": "dur", "type": {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}},
          {"name": "decb", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 4}},
          {"name": "decf", "type": {"type": "fixed", "name": "Dec8", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 2}},
          {"name": "uuid", "type": {"type": "string", "logicalType": "uuid"}},
          {"name": "date", "type": {"type": "int", "logicalType": "date"}},
          {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
          {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
          {"name": "tsms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
          {"name": "tsus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
          {"name": "tsns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
          {"name": "ltms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
          {"name": "ltus", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
          {"name": "ltns", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
          {"name": "ints", "type": {"type": "array", "items": "int"}},
          {"name": "floats", "type": {"type": "array", "items": "float"}},
          {"name": "doubles", "type": {"type": "array", "items": "double"}},
          {"name": "strs", "type": {"type": "map", "values": "string"}},
          {"name": "people", "type": {"type": "map", "values": {"type": "record", "name": "Person", "fields": [
             {"name": "name", "type": "string"},
             {"name": "age", "type": ["null", "int"], "default": null},
             {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []}]}}},
          {"name": "list", "type": ["null", {"type": "record", "name": "Node", "namespace": "linked", "fields": [
             {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}]},
          {"name": "u", "type": ["null", "Person", "Color", "Id", "string", "long", "double", "linked.Node",
             {"type": "array", "items": ["null", "Person", "bytes"]}, {"type": "map", "values": ["boolean", "Color"]}]},
          {"name": "nested", "type": {"type": "array", "items": {"type": "map", "values": {"type": "array", "items": ["null", "float", "Dur"]}}}},
          {"name": "nulls", "type": {"type": "array", "items": "null"}}
        ]}
        """;

    private static readonly AvroSchema Everything = AvroSchema.Parse(EverythingSchemaJson);

    private static readonly RandomDatumOptions JsSafe = new() { AllowIntegerLikeMapKeys = false, BigArrays = true, MaxDepth = 5 };

    /// <summary>Edge datums of the rich schema: random ones (edge-heavy), plus one with every container empty.</summary>
    private static List<object?> EverythingDatums(int count, int seed, bool withNaN = true)
    {
        var random = new RandomDatums(seed, JsSafe);
        var datums = new List<object?>();
        while (datums.Count < count)
        {
            var datum = random.Next(Everything);
            if (withNaN || !DatumAssert.ContainsNaN(datum))
            {
                datums.Add(datum);
            }
        }

        var empty = (GenericRecord)AvroJson.Deserialize(Everything, AvroJson.Serialize(Everything, datums[0]))!;
        foreach (var name in new[] { "ints", "floats", "doubles", "nulls", "nested" })
        {
            empty[name] = new List<object?>();
        }

        empty["strs"] = new Dictionary<string, object?>();
        empty["people"] = new Dictionary<string, object?>();
        empty["by"] = Array.Empty<byte>();
        empty["s"] = "";
        empty["u"] = new List<object?>();
        empty["list"] = null;
        datums.Add(empty);
        return datums;
    }

    // ---- a. the fixed rich schema ----

    public static TheoryData<string, int> OurContainerCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var codec in new[] { "null", "deflate", "snappy" })
        {
            data.Add(codec, 256);
            data.Add(codec, AvroContainerWriter.DefaultBlockSize);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OurContainerCases))]
    public void OurContainer_AvscReadsTheSameDatums(string codec, int blockSize)
    {
        var datums = EverythingDatums(40, seed: 1);
        var file = WriteOurContainer(Everything, datums, AvroCodecs.Get(codec), blockSize);
        if (blockSize == 256)
        {
            Assert.True(CountBlocks(file) > 5, "a small block size must give a multi-block file");
        }

        var (schemaJson, lines) = bridge.ReadContainer(file);
        Assert.Equal(Everything.ToCanonicalForm(), AvroSchema.Parse(schemaJson).ToCanonicalForm());
        AssertSameDatums(Everything, datums, lines, $"our {codec}/{blockSize} container read by avsc");
    }

    public static TheoryData<string, int?> AvscContainerCases()
    {
        var data = new TheoryData<string, int?>();
        foreach (var codec in new[] { "null", "deflate", "snappy" })
        {
            data.Add(codec, 200);
            data.Add(codec, null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AvscContainerCases))]
    public void AvscContainer_WeReadTheSameDatums(string codec, int? blockSize)
    {
        var datums = EverythingDatums(40, seed: 2);
        var file = bridge.WriteContainer(EverythingSchemaJson, datums.Select(d => AvroJson.Serialize(Everything, d)), codec, blockSize);
        using var reader = AvroContainerReader.Open(new MemoryStream(file));
        Assert.Equal(codec, reader.Header.Codec.Name);
        Assert.Equal(Everything.ToCanonicalForm(), reader.WriterSchema.ToCanonicalForm());
        var read = reader.ReadAll().ToList();
        if (blockSize is not null)
        {
            Assert.True(CountBlocks(file) > 5, "a small block size must give a multi-block file");
        }

        AssertSameDatums(Everything, datums, read, $"avsc {codec}/{blockSize} container read by us");
    }

    [Fact]
    public void SingleDatums_EncodeByteForByteAsAvscDoes_AndDecodeEachOthers()
    {
        var datums = EverythingDatums(60, seed: 3, withNaN: false);
        CrossCheckSingleDatums(Everything, EverythingSchemaJson, datums, "rich schema", seed: 3);
    }

    [Fact]
    public void SingleDatums_PrimitiveEdges_EncodeByteForByte()
    {
        var cases = new (string Schema, object?[] Values)[]
        {
            ("\"int\"", [0, -1, 1, 63, 64, -64, -65, int.MaxValue, int.MinValue]),
            ("\"long\"", [0L, long.MaxValue, long.MinValue, (1L << 53) + 1, -(1L << 53) - 1, 1L << 62]),
            ("\"float\"", [0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, 0.1f, 16777217f]),
            ("\"double\"", [0.0, -0.0, double.Epsilon, 2.2250738585072014E-308, double.MaxValue, double.NegativeInfinity, 0.1, 9007199254740993.0, 1e-300]),
            ("\"string\"", ["", "\u0000", "\ud83d\ude00", "\U0010FFFF", "\u2028", "\u001f\u007f", "\"\\/", "\ufeff"]),
            ("\"bytes\"", [Array.Empty<byte>(), RandomDatums.AllBytes.ToArray(), new byte[] { 0 }]),
            ("{\"type\":\"map\",\"values\":\"int\"}", [new Dictionary<string, object?>(), new Dictionary<string, object?> { ["constructor"] = 2, [""] = 3, ["toString"] = 4 }]),
        };
        foreach (var (schemaJson, values) in cases)
        {
            CrossCheckSingleDatums(AvroSchema.Parse(schemaJson), schemaJson, [.. values], schemaJson, seed: 0);
        }
    }

    [Fact]
    public void SingleDatums_NaN_EncodeByteForByte()
    {
        // avsc (like Java) writes NaN as the quiet NaN 0x7fc00000 / 0x7ff8000000000000. float.NaN and double.NaN in
        // .NET have the sign bit set, so a writer that keeps the raw bits writes ff c0 .. instead.
        var floatSchema = AvroSchema.Parse("\"float\"");
        var doubleSchema = AvroSchema.Parse("\"double\"");
        var avscFloat = bridge.Encode("\"float\"", ["\"NaN\""]).Single();
        var avscDouble = bridge.Encode("\"double\"", ["\"NaN\""]).Single();
        Assert.Equal("0000c07f", Convert.ToHexStringLower(avscFloat));
        Assert.Equal("000000000000f87f", Convert.ToHexStringLower(avscDouble));

        // Either way each side reads the other's NaN as a NaN.
        Assert.True(float.IsNaN((float)new GenericDatumReader(floatSchema).Read(avscFloat)!));
        Assert.True(double.IsNaN((double)new GenericDatumReader(doubleSchema).Read(avscDouble)!));
        Assert.Equal(["\"NaN\""], bridge.Decode("\"float\"", [GenericDatumWriter.ToArray(floatSchema, float.NaN)]));

        Assert.Equal(Convert.ToHexStringLower(avscFloat), Convert.ToHexStringLower(GenericDatumWriter.ToArray(floatSchema, float.NaN)));
        Assert.Equal(Convert.ToHexStringLower(avscDouble), Convert.ToHexStringLower(GenericDatumWriter.ToArray(doubleSchema, double.NaN)));
    }

    [Fact]
    public void IntegerLikeMapKeys_RoundTripOrderInsensitively()
    {
        const string schemaJson = """{"type":"map","values":{"type":"array","items":"int"}}""";
        var schema = AvroSchema.Parse(schemaJson);
        var map = new Dictionary<string, object?>
        {
            ["b"] = new List<object?> { 1 }, ["10"] = new List<object?>(), ["2"] = new List<object?> { -1, 2 },
            ["01"] = new List<object?> { 3 }, ["-1"] = new List<object?>(), ["4294967295"] = new List<object?> { 4 }, ["0"] = new List<object?> { 0 },
        };
        var decoded = bridge.Decode(schemaJson, [GenericDatumWriter.ToArray(schema, map)]);
        AssertSameDatums(schema, [map], decoded, "avsc decoding our map");
        var encoded = bridge.Encode(schemaJson, [AvroJson.Serialize(schema, map)]);
        Assert.True(DatumAssert.LooselyEqual(map, new GenericDatumReader(schema).Read(encoded[0])), "our reading of avsc's map");
    }

    // ---- b. random schemas ----

    public static TheoryData<int> RandomBatches() => new(Enumerable.Range(0, 3));

    [Theory]
    [MemberData(nameof(RandomBatches))]
    public void RandomSchemas_DatumsCrossCheckBothWays(int batch)
    {
        var seeds = Enumerable.Range(0, 30).Where(s => s % 3 == batch).Select(s => 7000 + s).ToList();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var schema = RandomSchemas.Schema(seed);
            var schemaJson = schema.ToString();
            var ours = new RandomDatums(seed, JsSafe).Many(schema, 15).Where(d => !DatumAssert.ContainsNaN(d)).ToList();
            CrossCheckSingleDatums(schema, schemaJson, ours, "our datums", seed);

            // avsc's own random datums: we read what avsc encodes, and encode them to the same bytes.
            var avscLines = bridge.Random(schemaJson, 10, seed);
            var avscDatums = avscLines.Select(line => AvroJson.Deserialize(schema, line)).ToList();
            CrossCheckSingleDatums(schema, schemaJson, avscDatums.Where(d => !DatumAssert.ContainsNaN(d)).ToList(), "avsc's random datums", seed);
        });
    }

    [Fact]
    public void RandomSchemas_ContainersCrossCheckBothWays()
    {
        var seeds = Enumerable.Range(0, 8).Select(s => 7100 + s).ToList();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var schema = RandomSchemas.Schema(seed);
            var schemaJson = schema.ToString();
            var codec = new[] { "null", "deflate", "snappy" }[seed % 3];
            var datums = new RandomDatums(seed, JsSafe).Many(schema, 25);
            var context = $"seed {seed}, {codec}{Environment.NewLine}schema: {schemaJson}";

            var ours = WriteOurContainer(schema, datums, AvroCodecs.Get(codec), 128);
            var (_, lines) = bridge.ReadContainer(ours);
            if (datums.Any(d => GenericDatumWriter.ToArray(schema, d).Length > 0))
            {
                // (avsc's BlockDecoder yields nothing from a block of zero-byte datums, e.g. of schema "null".)
                AssertSameDatums(schema, datums, lines, "avsc reading our container, " + context);
            }

            if (schema.Type == AvroType.Null)
            {
                return; // avsc's BlockEncoder refuses null values ("May not write null values to stream")
            }

            var theirs = bridge.WriteContainer(schemaJson, datums.Select(d => AvroJson.Serialize(schema, d)), codec, 128);
            using var reader = AvroContainerReader.Open(new MemoryStream(theirs));
            AssertSameDatums(schema, datums, reader.ReadAll().ToList(), "us reading avsc's container, " + context);
        });
    }

    // ---- c. canonical form and fingerprints ----

    [Fact]
    public void RandomSchemas_CanonicalFormMatchesAvsc()
    {
        var schemas = Enumerable.Range(0, 60).Select(s => RandomSchemas.Schema(7200 + s)).Append(Everything).ToList();
        var canonicals = bridge.CanonicalAll(schemas.Select(s => s.ToString()));
        Assert.Equal(schemas.Count, canonicals.Count);
        for (var k = 0; k < schemas.Count; k++)
        {
            // avsc keeps "type":"error" in the canonical form; the spec's reference (Java) and we write "record".
            canonicals[k] = canonicals[k].Replace("\"type\":\"error\"", "\"type\":\"record\"", StringComparison.Ordinal);
            Assert.True(schemas[k].ToCanonicalForm() == canonicals[k],
                $"schema {k} (seed {7200 + k}): {schemas[k]}{Environment.NewLine}ours: {schemas[k].ToCanonicalForm()}{Environment.NewLine}avsc: {canonicals[k]}");
            var utf8 = Encoding.UTF8.GetBytes(canonicals[k]);
            Assert.Equal(MD5.HashData(utf8), SchemaFingerprint.Compute(schemas[k], FingerprintAlgorithm.Md5));
            Assert.Equal(SHA256.HashData(utf8), SchemaFingerprint.Compute(schemas[k], FingerprintAlgorithm.Sha256));
        }
    }

    [Fact]
    public void RandomSchemas_FingerprintsMatchAvsc()
    {
        var schemas = Enumerable.Range(0, 5).Select(s => RandomSchemas.Schema(7300 + s)).Append(Everything).ToList();
        var jobs = schemas.SelectMany(s => new[] { (s, FingerprintAlgorithm.Md5, "md5"), (s, FingerprintAlgorithm.Sha256, "sha256"), (s, FingerprintAlgorithm.Rabin, "rabin") }).ToList();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, job =>
        {
            var (schema, algorithm, name) = job;
            var theirs = bridge.Fingerprint(schema.ToString(), name);
            Assert.True(Convert.ToHexStringLower(SchemaFingerprint.Compute(schema, algorithm)) == theirs, $"{name} of {schema}");
            if (algorithm == FingerprintAlgorithm.Rabin)
            {
                Assert.Equal(Convert.ToHexStringLower(BitConverter.GetBytes(schema.Fingerprint64)), theirs);
            }
        });
    }

    // ---- helpers ----

    /// <summary>Ours vs avsc on single datums: identical bytes, and each side decodes the other's bytes to the datum.</summary>
    private void CrossCheckSingleDatums(AvroSchema schema, string schemaJson, List<object?> datums, string what, int seed)
    {
        var lines = datums.Select(d => AvroJson.Serialize(schema, d)).ToList();
        var ourBytes = datums.Select(d => GenericDatumWriter.ToArray(schema, d)).ToList();
        var avscBytes = bridge.Encode(schemaJson, lines);
        Assert.Equal(datums.Count, avscBytes.Count);
        var reader = new GenericDatumReader(schema);
        for (var k = 0; k < datums.Count; k++)
        {
            Assert.True(ourBytes[k].AsSpan().SequenceEqual(avscBytes[k]),
                $"{what}, datum {k}: our bytes differ from avsc's{Environment.NewLine}ours: {Convert.ToHexStringLower(ourBytes[k])}" +
                $"{Environment.NewLine}avsc: {Convert.ToHexStringLower(avscBytes[k])}{Environment.NewLine}{DatumAssert.Context("", seed, schema, datums[k])}");
            var back = reader.Read(avscBytes[k]);
            Assert.True(DatumAssert.LooselyEqual(datums[k], back), $"{what}, datum {k}: our reading of avsc's bytes differs at {DatumAssert.FirstDifference(datums[k], back)}{Environment.NewLine}{DatumAssert.Context("", seed, schema, datums[k])}");
        }

        AssertSameDatums(schema, datums, bridge.Decode(schemaJson, ourBytes), $"{what}: avsc decoding our bytes (seed {seed}){Environment.NewLine}schema: {schemaJson}");
    }

    private static void AssertSameDatums(AvroSchema schema, List<object?> expected, List<string> avscLines, string context) =>
        AssertSameDatums(schema, expected, avscLines.Select(line => AvroJson.Deserialize(schema, line)).ToList(), context);

    private static void AssertSameDatums(AvroSchema schema, List<object?> expected, List<object?> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: {actual.Count} datums, expected {expected.Count}");
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.True(DatumAssert.LooselyEqual(expected[k], actual[k]),
                $"{context}, datum {k}: differs at {DatumAssert.FirstDifference(expected[k], actual[k])}{Environment.NewLine}expected {DatumAssert.Json(schema, expected[k])}{Environment.NewLine}actual   {DatumAssert.Json(schema, actual[k])}");
        }
    }

    private static byte[] WriteOurContainer(AvroSchema schema, List<object?> datums, AvroCodec codec, int blockSize)
    {
        using var file = new MemoryStream();
        using (var writer = new AvroContainerWriter(file, schema, codec, blockSize, leaveOpen: true))
        {
            datums.ForEach(writer.Append);
        }

        return file.ToArray();
    }

    private static int CountBlocks(byte[] file)
    {
        using var reader = AvroContainerReader.Open(new MemoryStream(file));
        var blocks = 0;
        while (reader.TryReadBlock(out _))
        {
            blocks++;
        }

        return blocks;
    }
}
