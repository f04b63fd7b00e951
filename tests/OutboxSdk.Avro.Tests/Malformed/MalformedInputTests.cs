using System.Buffers;
using System.Diagnostics;
using System.Text;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Properties;

namespace OutboxSdk.Avro.Tests.Malformed;

/// <summary>
/// Hostile and broken input: every failure must be an <see cref="AvroException"/> (normally
/// <see cref="AvroFormatException"/>), quickly, without huge allocations. Anything else (IndexOutOfRange,
/// OutOfMemory, InvalidCast, Argument*, Overflow...) is a bug in the library.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private const string RichSchemaJson = """
        {"type": "record", "name": "Rich", "namespace": "mal.formed", "fields": [
          {"name": "n", "type": "null"},
          {"name": "b", "type": "boolean"},
          {"name": "i", "type": "int"},
          {"name": "l", "type": "long"},
          {"name": "f", "type": "float"},
          {"name": "d", "type": "double"},
          {"name": "by", "type": "bytes"},
          {"name": "s", "type": "string"},
          {"name": "e", "type": {"type": "enum", "name": "Suit", "symbols": ["A", "B", "C"]}},
          {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
          {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
          {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
          {"name": "arr", "type": {"type": "array", "items": ["null", "int", "string"]}},
          {"name": "map", "type": {"type": "map", "values": {"type": "record", "name": "Inner", "fields": [
             {"name": "x", "type": "double"}, {"name": "next", "type": ["null", "Inner"]}]}}},
          {"name": "u", "type": ["null", "Suit", "F4", {"type": "array", "items": "long"}]},
          {"name": "nulls", "type": {"type": "array", "items": "null"}}
        ]}
        """;

    private static readonly AvroSchema RichSchema = AvroSchema.Parse(RichSchemaJson);

    private static GenericRecord RichDatum()
    {
        var schema = (RecordSchema)RichSchema;
        var inner = (RecordSchema)((MapSchema)schema.GetField("map")!.Schema).Values;
        var suit = (EnumSchema)schema.GetField("e")!.Schema;
        var f4 = (FixedSchema)schema.GetField("fx")!.Schema;
        var leaf = new GenericRecord(inner) { ["x"] = -0.0, ["next"] = null };
        var mid = new GenericRecord(inner) { ["x"] = double.NaN, ["next"] = leaf };
        return new GenericRecord(schema)
        {
            ["n"] = null,
            ["b"] = true,
            ["i"] = int.MinValue,
            ["l"] = long.MaxValue,
            ["f"] = float.Epsilon,
            ["d"] = double.NegativeInfinity,
            ["by"] = RandomDatums.AllBytes.ToArray(),
            ["s"] = "a\u0000\ud83d\ude00z",
            ["e"] = new GenericEnum(suit, "C"),
            ["fx"] = new GenericFixed(f4, [1, 2, 3, 255]),
            ["dec"] = new byte[] { 0x80, 0x00, 0x01 },
            ["ts"] = -1L,
            ["arr"] = new List<object?> { null, 7, "", "x\u00e9" },
            ["map"] = new Dictionary<string, object?> { ["k"] = mid, [""] = leaf },
            ["u"] = new List<object?> { long.MinValue, 0L },
            ["nulls"] = new List<object?> { null, null, null },
        };
    }

    [Fact]
    public void RichDatum_RoundTrips()
    {
        var bytes = GenericDatumWriter.ToArray(RichSchema, RichDatum());
        Assert.True(GenericEquality.AreEqual(RichDatum(), new GenericDatumReader(RichSchema).Read(bytes)));
    }

    [Fact]
    public void TruncatedDatum_AtEveryOffset_ThrowsFormatException()
    {
        var bytes = GenericDatumWriter.ToArray(RichSchema, RichDatum());
        var reader = new GenericDatumReader(RichSchema);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            var outcome = Guarded(() => reader.Read(prefix));
            Assert.True(outcome is AvroFormatException, $"prefix of {length}/{bytes.Length} bytes ({Convert.ToHexStringLower(prefix)}): {Describe(outcome)}");
        }
    }

    [Fact]
    public void TrailingBytesAfterASingleDatum_ThrowFormatException()
    {
        var bytes = GenericDatumWriter.ToArray(RichSchema, RichDatum());
        AssertFormatError(RichSchema, [.. bytes, 0]);
        AssertFormatError(AvroSchema.Parse("\"int\""), [0x02, 0x02]);
        AssertFormatError(AvroSchema.Parse("\"null\""), [0x00]);
        AssertFormatError(AvroSchema.Parse("{\"type\":\"fixed\",\"name\":\"Z\",\"size\":0}"), [0x01]);
    }

    [Theory]
    [InlineData("\"int\"", "8080808080")]                       // 5 continuation bytes
    [InlineData("\"int\"", "ffffffff1f")]                       // overflows 32 bits
    [InlineData("\"int\"", "808080808000")]                     // overlong zero
    [InlineData("\"long\"", "8080808080808080808000")]          // 11 bytes
    [InlineData("\"long\"", "ffffffffffffffffff03")]            // overflows 64 bits
    [InlineData("\"long\"", "ffffffffffffffffffff01")]          // overlong
    [InlineData("\"string\"", "01")]                            // length -1
    [InlineData("\"bytes\"", "03")]                             // length -2
    [InlineData("\"bytes\"", "ffffffffffffffffff01")]           // length long.MinValue
    [InlineData("\"bytes\"", "80808080808080808001")]           // length 2^62 (varint 2^63)
    [InlineData("\"string\"", "feffffffffffffff1f")]            // length ~2^60
    [InlineData("\"string\"", "04c328")]                        // invalid UTF-8
    [InlineData("\"string\"", "06eda080")]                      // a UTF-8 encoded surrogate
    [InlineData("\"boolean\"", "02")]                           // boolean must be 0 or 1
    [InlineData("[\"null\",\"int\"]", "04")]                    // branch 2 of 2
    [InlineData("[\"null\",\"int\"]", "01")]                    // branch -1
    [InlineData("[\"null\",\"int\"]", "feffffffffffffffff01")]  // branch long.MaxValue
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "02")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "01")]
    [InlineData("{\"type\":\"array\",\"items\":\"null\"}", "8080808080808001")]       // 2^48 nulls
    [InlineData("{\"type\":\"array\",\"items\":\"null\"}", "feffffffffffffffff01")] // long.MaxValue nulls
    [InlineData("{\"type\":\"array\",\"items\":\"null\"}", "ffffffffffffffffff01")] // count long.MinValue
    [InlineData("{\"type\":\"array\",\"items\":\"int\"}", "808080808080800100")]     // 2^48 ints in one byte
    [InlineData("{\"type\":\"array\",\"items\":\"int\"}", "0102")]                    // negative count, size 1 past the end
    [InlineData("{\"type\":\"array\",\"items\":\"int\"}", "0101")]                    // negative count, negative size
    [InlineData("{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Empty\",\"fields\":[]}}", "8080808080808001")]
    [InlineData("{\"type\":\"array\",\"items\":{\"type\":\"fixed\",\"name\":\"Z\",\"size\":0}}", "feffffffffffffffff01")]
    [InlineData("{\"type\":\"map\",\"values\":\"null\"}", "8080808080808001")]        // 2^48 entries
    [InlineData("{\"type\":\"map\",\"values\":\"null\"}", "0200")]                    // key length 0 then missing terminator
    [InlineData("{\"type\":\"map\",\"values\":\"int\"}", "0201")]                   // key length -1
    [InlineData("{\"type\":\"fixed\",\"name\":\"F\",\"size\":16}", "00")]
    [InlineData("\"double\"", "00000000000000")]
    [InlineData("\"float\"", "000000")]
    public void HostileDatum_ThrowsFormatException(string schemaJson, string hex) =>
        AssertFormatError(AvroSchema.Parse(schemaJson), Convert.FromHexString(hex));

    [Fact]
    public void HugeBlockCounts_AreRejectedBeforeAllocating()
    {
        // One byte claims 2^62 items of every kind; the reader must refuse before sizing anything by the claim.
        foreach (var items in new[] { "\"null\"", "\"boolean\"", "\"long\"", "\"double\"", "\"string\"", "{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}" })
        {
            var schema = AvroSchema.Parse("{\"type\":\"array\",\"items\":" + items + "}");
            var before = GC.GetAllocatedBytesForCurrentThread();
            AssertFormatError(schema, Convert.FromHexString("80808080808080808001"));
            AssertFormatError(schema, Convert.FromHexString("fcffffffffffffff7f00")); // about 2^62 items
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, $"array of {items}: allocated {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
        }
    }

    [Fact]
    public void ArrayOfNull_ManyBlocksOfTheMaximumCount_DoesNotAllocateHugely()
    {
        // Blocks of zero-byte items cannot be checked against the input's length; the limit applies to their sum.
        // 4 blocks of the maximum count each: a few bytes of input claiming 4 * AvroLimits.MaxZeroSizeItems nulls.
        var block = new ArrayBufferWriter<byte>();
        var w = new AvroBinaryWriter(block);
        for (var k = 0; k < 4; k++)
        {
            w.WriteBlockCount(AvroLimits.MaxZeroSizeItems);
        }

        w.WriteBlockCount(0);
        var input = block.WrittenSpan.ToArray();
        var schema = AvroSchema.Parse("{\"type\":\"array\",\"items\":\"null\"}");
        long allocated = 0;
        var outcome = Guarded(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                return new GenericDatumReader(schema).Read(input);
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        });
        Assert.True(outcome is AvroFormatException || (outcome is null && allocated < 64L << 20),
            $"{input.Length} bytes ({Convert.ToHexStringLower(input)}) of array<null>: {Describe(outcome)}, allocated {allocated >> 20} MiB");
    }

    // ---- container files ----

    private static byte[] Container(AvroCodec codec, int blockSize = 64, int count = 20, AvroSchema? schema = null, IReadOnlyDictionary<string, byte[]>? metadata = null)
    {
        schema ??= RichSchema;
        using var file = new MemoryStream();
        using (var writer = new AvroContainerWriter(file, schema, codec, blockSize, metadata, leaveOpen: true, syncMarker: Enumerable.Range(0xA0, 16).Select(b => (byte)b).ToArray()))
        {
            var random = new RandomDatums(5, new RandomDatumOptions { BigArrays = false, MaxDepth = 3 });
            for (var i = 0; i < count; i++)
            {
                writer.Append(i == 0 && schema == RichSchema ? RichDatum() : random.Next(schema));
            }
        }

        return file.ToArray();
    }

    private static List<object?> ReadContainer(byte[] file, int maxBlockLength = AvroLimits.MaxContainerBlockLength)
    {
        using var reader = AvroContainerReader.Open(new MemoryStream(file), maxBlockLength: maxBlockLength);
        return reader.ReadAll().ToList();
    }

    public static TheoryData<string> CodecNames() => new("null", "deflate", "snappy", "zstandard");

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Container_ReadsBackBeforeCorruption(string codec)
    {
        var file = Container(AvroCodecs.Get(codec));
        Assert.Equal(20, ReadContainer(file).Count);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void TruncatedContainer_AtEveryOffset_ThrowsFormatException(string codec)
    {
        var file = Container(AvroCodecs.Get(codec), blockSize: 256, count: 6);
        var blockEnds = BlockBoundaries(file);
        for (var length = 0; length < file.Length; length++)
        {
            var prefix = file[..length];
            var outcome = Guarded(() => ReadContainer(prefix));
            if (blockEnds.Contains(length))
            {
                // A file cut exactly after a block's sync marker is a shorter valid file.
                Assert.True(outcome is List<object?>, $"{codec}: cut at block end {length}: {Describe(outcome)}");
            }
            else
            {
                Assert.True(outcome is AvroFormatException, $"{codec}: prefix of {length}/{file.Length} bytes: {Describe(outcome)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void WrongSyncMarker_ThrowsFormatException(string codec)
    {
        var file = Container(AvroCodecs.Get(codec));
        var lastSync = file.AsSpan().LastIndexOf(Enumerable.Range(0xA0, 16).Select(b => (byte)b).ToArray());
        file[lastSync + 7] ^= 0x40;
        var outcome = Guarded(() => ReadContainer(file));
        Assert.True(outcome is AvroFormatException e && e.Message.Contains("sync", StringComparison.Ordinal), Describe(outcome));
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void CorruptCompressedBlock_ThrowsFormatException(string codec)
    {
        var file = Container(AvroCodecs.Get(codec), blockSize: 100_000, count: 10);
        var headerLength = HeaderLength(file);
        var reader = new AvroBinaryReader(file.AsSpan(headerLength));
        reader.ReadLong();
        var length = (int)reader.ReadLong();
        var dataStart = headerLength + reader.Position;
        // Overwrite the middle, the start and the end of the compressed data in turn.
        foreach (var at in new[] { dataStart + (length / 2), dataStart, dataStart + length - 1, dataStart + length - 4 })
        {
            var corrupt = file.ToArray();
            for (var k = at; k < Math.Min(at + 4, dataStart + length); k++)
            {
                corrupt[k] ^= 0x5A;
            }

            var outcome = Guarded(() => ReadContainer(corrupt));
            Assert.True(outcome is AvroFormatException, $"{codec}: corrupting byte {at}: {Describe(outcome)}");
        }
    }

    [Fact]
    public void BadMagic_ThrowsFormatException()
    {
        var file = Container(AvroCodecs.Null);
        foreach (var k in new[] { 0, 1, 2, 3 })
        {
            var bad = file.ToArray();
            bad[k] ^= 1;
            var outcome = Guarded(() => ReadContainer(bad));
            Assert.True(outcome is AvroFormatException, Describe(outcome));
        }

        Assert.True(Guarded(() => ReadContainer([])) is AvroFormatException);
        Assert.True(Guarded(() => ReadContainer("Obj"u8.ToArray())) is AvroFormatException);
    }

    [Fact]
    public void MissingSchema_UnknownCodec_AndBadSchema_ThrowFormatException()
    {
        static byte[] Header(params (string Key, string Value)[] entries)
        {
            var buffer = new ArrayBufferWriter<byte>();
            buffer.Write("Obj\u0001"u8);
            var w = new AvroBinaryWriter(buffer);
            w.WriteBlockCount(entries.Length);
            foreach (var (key, value) in entries)
            {
                w.WriteString(key);
                w.WriteBytes(Encoding.UTF8.GetBytes(value));
            }

            w.WriteBlockCount(0);
            w.WriteFixed(new byte[16]);
            return buffer.WrittenSpan.ToArray();
        }

        var cases = new Dictionary<string, byte[]>
        {
            ["missing avro.schema"] = Header(("avro.codec", "null")),
            ["no metadata"] = Header(),
            ["unknown codec"] = Header(("avro.schema", "\"int\""), ("avro.codec", "lzma")),
            ["codec name case"] = Header(("avro.schema", "\"int\""), ("avro.codec", "Deflate")),
            ["schema not JSON"] = Header(("avro.schema", "{\"type\": ")),
            ["schema invalid"] = Header(("avro.schema", "{\"type\": \"record\", \"name\": \"1x\", \"fields\": []}")),
            ["schema unknown type"] = Header(("avro.schema", "\"Nope\"")),
            ["schema empty"] = Header(("avro.schema", "")),
            ["schema deeply nested"] = Header(("avro.schema", new string('[', 5000) + new string(']', 5000))),
            ["schema deeply nested arrays"] = Header(("avro.schema", string.Concat(Enumerable.Repeat("{\"type\":\"array\",\"items\":", 3000)) + "\"int\"" + new string('}', 3000))),
        };
        foreach (var (name, file) in cases)
        {
            var outcome = Guarded(() => ReadContainer(file));
            Assert.True(outcome is AvroFormatException, $"{name}: {Describe(outcome)}");
        }

        // A decimal on a huge fixed is a valid schema: the header reads, cheaply, and the file has no objects.
        var huge = Header(("avro.schema", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":300000000,\"logicalType\":\"decimal\",\"precision\":5}"));
        Assert.Empty(Assert.IsAssignableFrom<System.Collections.IList>(Guarded(() => ReadContainer(huge))));
    }

    [Theory]
    [InlineData(268_435_456)]
    [InlineData(300_000_000)]
    [InlineData(int.MaxValue)]
    [InlineData(1_000_000)]
    public void SchemaParse_DecimalOnAHugeFixed_ThrowsOnlySchemaExceptionsAndIsCheap(int size)
    {
        // precision is checked against the fixed size with BigInteger.Pow(2, 8 * size - 1): a large size must neither
        // overflow (8 * size) nor build a number of hundreds of megabits.
        var json = "{\"type\":\"fixed\",\"name\":\"F\",\"size\":" + size + ",\"logicalType\":\"decimal\",\"precision\":5}";
        var stopwatch = Stopwatch.StartNew();
        var outcome = Guarded(() => AvroSchema.Parse(json));
        Assert.True(outcome is AvroSchema or AvroSchemaException, $"size {size}: {Describe(outcome)}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"size {size}: parsing took {stopwatch.Elapsed}");
        if (outcome is AvroSchema parsed)
        {
            Assert.Equal(LogicalTypeKind.Decimal, parsed.LogicalType?.Kind);
        }
    }

    [Theory]
    [InlineData("{\"type\":\"record\",\"name\":\"R\",\"doc\":\"\\ud800\",\"fields\":[]}")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"\\udc00\"]}")]
    [InlineData("\"\\ud800\"")]
    public void SchemaParse_LoneSurrogateEscapes_ThrowSchemaExceptions(string json)
    {
        var outcome = Guarded(() => AvroSchema.Parse(json));
        Assert.True(outcome is AvroSchemaException, $"{json}: {Describe(outcome)}");
    }

    [Fact]
    public void HostileContainerHeaderAndBlocks_ThrowFormatException()
    {
        var good = Container(AvroCodecs.Null, count: 3);
        var headerLength = HeaderLength(good);
        var header = good[..headerLength];
        var sync = good[(headerLength - 16)..headerLength];

        byte[] WithBlock(long count, long length, byte[] data) =>
        [
            .. header, .. Varint(count), .. Varint(length), .. data, .. sync,
        ];

        var cases = new Dictionary<string, byte[]>
        {
            ["negative object count"] = WithBlock(-1, 0, []),
            ["negative block length"] = WithBlock(1, -5, []),
            ["block length 2^40"] = WithBlock(1, 1L << 40, [1, 2, 3]),
            ["object count 2^40 in a small block"] = WithBlock(1L << 40, 3, [0, 0, 0]),
            ["object count long.MaxValue"] = WithBlock(long.MaxValue, 3, [0, 0, 0]),
            ["block length past the end"] = WithBlock(1, 200, new byte[10]),
            ["metadata count 2^60"] = [.. "Obj\u0001"u8, .. Varint(1L << 60)],
            ["metadata count long.MinValue"] = [.. "Obj\u0001"u8, .. Varint(long.MinValue)],
            ["metadata key length 2^40"] = [.. "Obj\u0001"u8, .. Varint(1), .. Varint(1L << 40)],
            ["metadata value length -1"] = [.. "Obj\u0001"u8, .. Varint(1), .. Varint(1), (byte)'k', .. Varint(-1)],
            ["header without sync"] = [.. "Obj\u0001"u8, .. Varint(0)],
            ["header varint overlong"] = [.. "Obj\u0001"u8, .. Convert.FromHexString("8080808080808080808001")],
        };
        foreach (var (name, file) in cases)
        {
            var outcome = Guarded(() => ReadContainer(file));
            Assert.True(outcome is AvroFormatException, $"{name}: {Describe(outcome)}");
        }
    }

    [Fact]
    public void HugeBlockLengthClaim_InATinyFile_DoesNotAllocateTheClaim()
    {
        // A 200 MiB block claimed by a file of a few hundred bytes: the reader should notice the missing data
        // before (or without) allocating a buffer the size of the claim.
        var good = Container(AvroCodecs.Null, count: 3);
        var headerLength = HeaderLength(good);
        byte[] file = [.. good[..headerLength], .. Varint(1), .. Varint(200L << 20), 0, 0, 0];
        long allocated = 0;
        var outcome = Guarded(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                return ReadContainer(file);
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        });
        Assert.True(outcome is AvroFormatException, Describe(outcome));
        Assert.True(allocated < 16L << 20, $"a {file.Length}-byte file made the reader allocate {allocated >> 20} MiB");
    }

    // ---- fuzzing ----

    [Fact]
    public void Fuzz_MutatedContainers_DecodeOrThrowAvroExceptions()
    {
        var seeds = new List<(string Name, byte[] File)>
        {
            ("null", Container(AvroCodecs.Null, blockSize: 128, count: 8)),
            ("deflate", Container(AvroCodecs.Deflate, blockSize: 128, count: 8)),
            ("snappy", Container(AvroCodecs.Snappy, blockSize: 128, count: 8)),
            ("zstandard", Container(AvroCodecs.Zstandard, blockSize: 128, count: 8)),
            ("random-schema", Container(AvroCodecs.Null, blockSize: 64, count: 6, schema: RandomSchemas.Schema(3))),
        };
        Fuzz(seeds, iterations: 2400, seed: 20240601, file => ReadContainer(file, maxBlockLength: 1 << 20));
    }

    [Fact]
    public void Fuzz_MutatedDatums_DecodeOrThrowAvroExceptions()
    {
        var reader = new GenericDatumReader(RichSchema);
        var datums = new List<(string Name, byte[] File)> { ("rich", GenericDatumWriter.ToArray(RichSchema, RichDatum())) };
        Fuzz(datums, iterations: 3000, seed: 77, bytes => reader.Read(bytes));

        // Random schemas too, each with its own datums.
        for (var s = 0; s < 10; s++)
        {
            var schema = RandomSchemas.Schema(500 + s);
            var schemaReader = new GenericDatumReader(schema);
            var inputs = new RandomDatums(s).Many(schema, 3).Select((d, k) => ($"seed {500 + s} datum {k}", GenericDatumWriter.ToArray(schema, d))).ToList();
            Fuzz(inputs, iterations: 200, seed: s, bytes => schemaReader.Read(bytes), schema.ToString());
        }
    }

    [Fact]
    public void Fuzz_MutatedJson_DecodeOrThrowAvroOrJsonExceptions()
    {
        var json = Encoding.UTF8.GetBytes(AvroJson.Serialize(RichSchema, RichDatum()));
        var random = new Random(11);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 1500; i++)
        {
            var mutated = Mutate(json, random);
            var outcome = Guarded(() => AvroJson.Deserialize(RichSchema, Encoding.UTF8.GetString(mutated)));
            if (outcome is Exception e && e is not AvroException && e is not System.Text.Json.JsonException)
            {
                var key = e.GetType().Name + " " + (e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "");
                failures.TryAdd(key, $"iteration {i}: {e.GetType().FullName}: {e.Message}{Environment.NewLine}{e.StackTrace}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures.Values));
    }

    [Theory]
    [InlineData("\"string\"", "\"\\ud800\"")]        // a lone high surrogate escape
    [InlineData("\"string\"", "\"a\\ude00b\"")]      // a lone low surrogate escape
    [InlineData("{\"type\":\"map\",\"values\":\"int\"}", "{\"\\ud800\": 1}")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "\"\\udfff\"")]
    [InlineData("\"bytes\"", "\"\\ud800\"")]
    public void Json_LoneSurrogateEscapes_ThrowAvroOrJsonExceptions(string schemaJson, string json)
    {
        var outcome = Guarded(() => AvroJson.Deserialize(AvroSchema.Parse(schemaJson), json));
        Assert.True(outcome is AvroException or System.Text.Json.JsonException, $"{json}: {Describe(outcome)}");
    }

    private static void Fuzz(List<(string Name, byte[] Input)> inputs, int iterations, int seed, Func<byte[], object?> decode, string? context = null)
    {
        var random = new Random(seed);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations && failures.Count < 8; i++)
        {
            var (name, original) = inputs[random.Next(inputs.Count)];
            var mutated = Mutate(original, random);
            var outcome = Guarded(() => decode(mutated));
            if (outcome is Exception e && e is not AvroException)
            {
                var key = e.GetType().Name + " " + (e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "");
                if (!failures.ContainsKey(key) || failures[key].Length > mutated.Length * 2 + 400)
                {
                    failures[key] = $"{name}, iteration {i} (seed {seed}): {e.GetType().FullName}: {e.Message}{Environment.NewLine}" +
                        $"  input ({mutated.Length} bytes): {Convert.ToHexStringLower(mutated)}{Environment.NewLine}{e.StackTrace}";
                }
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} kinds of non-Avro exception ({stopwatch.Elapsed.TotalSeconds:F1} s){(context is null ? "" : Environment.NewLine + "schema: " + context)}" +
            Environment.NewLine + string.Join(Environment.NewLine + Environment.NewLine, failures.Values));
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = 1 + random.Next(random.Next(4) == 0 ? 8 : 2);
        for (var k = 0; k < edits; k++)
        {
            switch (random.Next(bytes.Count == 0 ? 1 : 7))
            {
                case 0:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 1 or 2:
                    var at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 3:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 4:
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList(); // truncate
                    break;
                case 5:
                    bytes[random.Next(bytes.Count)] = (byte)Pick(random, [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE]);
                    break;
                default:
                    // A run of 0xFF/0x80: huge varints.
                    var start = random.Next(bytes.Count);
                    var value = (byte)(random.Next(2) == 0 ? 0xFF : 0x80);
                    for (var j = start; j < Math.Min(bytes.Count, start + 1 + random.Next(10)); j++)
                    {
                        bytes[j] = value;
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    private static int Pick(Random random, int[] values) => values[random.Next(values.Length)];

    // ---- helpers ----

    /// <summary>Runs <paramref name="action"/> on a worker with a deadline: its result, or the exception it threw.</summary>
    private static object? Guarded(Func<object?> action)
    {
        var task = Task.Run(() =>
        {
            try
            {
                return action();
            }
#pragma warning disable CA1031 // every exception is the outcome under test
            catch (Exception e)
#pragma warning restore CA1031
            {
                return e;
            }
        });
        if (!task.Wait(Deadline))
        {
            throw new TimeoutException($"decoding did not finish within {Deadline.TotalSeconds} s (a hang)");
        }

        return task.Result;
    }

    private static void AssertFormatError(AvroSchema schema, byte[] input)
    {
        var outcome = Guarded(() => new GenericDatumReader(schema).Read(input));
        Assert.True(outcome is AvroFormatException, $"{schema} <- {Convert.ToHexStringLower(input)}: {Describe(outcome)}");
    }

    private static string Describe(object? outcome) => outcome switch
    {
        Exception e => $"{e.GetType().FullName}: {e.Message}{Environment.NewLine}{e.StackTrace}",
        null => "decoded to null (no exception)",
        _ => "decoded without an exception: " + outcome.GetType().Name,
    };

    private static byte[] Varint(long value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(buffer).WriteLong(value);
        return buffer.WrittenSpan.ToArray();
    }

    private static int HeaderLength(byte[] file)
    {
        using var reader = AvroContainerReader.Open(new MemoryStream(file));
        return (int)reader.Header.Length;
    }

    /// <summary>The offsets right after each block's sync marker, and the end of the header (a file with no blocks).</summary>
    private static HashSet<int> BlockBoundaries(byte[] file)
    {
        var ends = new HashSet<int> { HeaderLength(file) };
        var position = HeaderLength(file);
        while (position < file.Length)
        {
            var reader = new AvroBinaryReader(file.AsSpan(position));
            reader.ReadLong();
            var length = reader.ReadLong();
            position += reader.Position + (int)length + 16;
            ends.Add(position);
        }

        return ends;
    }
}
