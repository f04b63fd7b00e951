using System.Diagnostics;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Properties;

/// <summary>
/// Property-style round trips over random schemas and edge-heavy random datums. Every failure message names the
/// seed, the schema and the datum, so <c>RandomSchemas.Json(seed)</c> and <c>new RandomDatums(seed)</c> reproduce it.
/// </summary>
public sealed class RoundTripTests
{
    private const int SchemaSeeds = 400;
    private const int DatumsPerSchema = 12;

    public static TheoryData<int> SeedBatches() => new(Enumerable.Range(0, 8));

    [Fact]
    public void Generators_AreDeterministic()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal(RandomSchemas.Json(seed), RandomSchemas.Json(seed));
            var schema = RandomSchemas.Schema(seed);
            var a = new RandomDatums(seed).Many(schema, 5);
            var b = new RandomDatums(seed).Many(schema, 5);
            Assert.True(a.Zip(b).All(p => GenericEquality.AreEqual(p.First, p.Second)), $"seed {seed}");
        }
    }

    [Fact]
    public void Generators_CoverTheSchemaFeatures()
    {
        var all = string.Join('\n', Enumerable.Range(0, SchemaSeeds).Select(seed => RandomSchemas.Json(seed)));
        foreach (var feature in new[]
        {
            "\"record\"", "\"error\"", "\"enum\"", "\"fixed\"", "\"array\"", "\"map\"", "\"size\":0", "\"size\":16", "\"decimal\"", "\"uuid\"",
            "\"date\"", "\"time-millis\"", "\"time-micros\"", "\"timestamp-millis\"", "\"timestamp-micros\"", "\"timestamp-nanos\"",
            "\"local-timestamp-millis\"", "\"local-timestamp-micros\"", "\"local-timestamp-nanos\"", "\"duration\"", "\"namespace\":\"\"",
            "\"default\":null", "\"default\":[]", "\"default\":{}", "[\"null\",", "\"aliases\"", "\"x-custom\"", "\"boolean\"", "\"float\"",
            "\"double\"", "\"bytes\"", "\"string\"", "\"int\"", "\"long\"",
        })
        {
            Assert.Contains(feature, all, StringComparison.Ordinal);
        }

        // Recursion: some schema refers to an enclosing record from inside it.
        Assert.Contains(Enumerable.Range(0, SchemaSeeds), seed => IsRecursive(RandomSchemas.Schema(seed)));
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Schema_ToStringReparsesToTheSameCanonicalForm(int batch)
    {
        foreach (var seed in BatchSeeds(batch))
        {
            var json = RandomSchemas.Json(seed);
            AvroSchema schema;
            try
            {
                schema = AvroSchema.Parse(json);
            }
            catch (AvroSchemaException e)
            {
                Assert.Fail($"seed {seed}: the generator made a schema we reject: {e.Message}{Environment.NewLine}{json}");
                return;
            }

            var printed = schema.ToString();
            var reparsed = AvroSchema.Parse(printed);
            Assert.True(schema.ToCanonicalForm() == reparsed.ToCanonicalForm(),
                $"seed {seed}: canonical form changed by ToString/Parse{Environment.NewLine}input:    {json}{Environment.NewLine}printed:  {printed}" +
                $"{Environment.NewLine}before:   {schema.ToCanonicalForm()}{Environment.NewLine}after:    {reparsed.ToCanonicalForm()}");
            Assert.True(printed == reparsed.ToString(), $"seed {seed}: ToString is not a fixed point{Environment.NewLine}{printed}{Environment.NewLine}{reparsed}");
            Assert.Equal(schema.Fingerprint64, reparsed.Fingerprint64);

            // The canonical form is itself a schema with the same canonical form, except where the form cannot say
            // it (a spec limitation): a null-namespace type inside a namespaced one has no namespace attribute there,
            // so reparsing puts it in the enclosing namespace.
            if (!NullNamespaceInsideNamespace(schema, null, []))
            {
                Assert.Equal(schema.ToCanonicalForm(), AvroSchema.Parse(schema.ToCanonicalForm()).ToCanonicalForm());
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Datum_BinaryAndJsonRoundTrips(int batch)
    {
        foreach (var seed in BatchSeeds(batch))
        {
            var schema = RandomSchemas.Schema(seed);
            var reader = new GenericDatumReader(schema);
            foreach (var datum in new RandomDatums(seed).Many(schema, DatumsPerSchema))
            {
                byte[] bytes;
                try
                {
                    bytes = GenericDatumWriter.ToArray(schema, datum);
                }
                catch (Exception e)
                {
                    Assert.Fail(DatumAssert.Context($"write threw {e}", seed, schema, datum));
                    return;
                }

                object? back;
                try
                {
                    back = reader.Read(bytes);
                }
                catch (Exception e)
                {
                    Assert.Fail(DatumAssert.Context($"read of {Convert.ToHexStringLower(bytes)} threw {e}", seed, schema, datum));
                    return;
                }

                Assert.True(GenericEquality.AreEqual(datum, back), DatumAssert.Context("binary round trip differs; read back " + DatumAssert.Json(schema, back), seed, schema, datum));
                Assert.Equal(bytes, GenericDatumWriter.ToArray(schema, back));

                string json;
                try
                {
                    json = AvroJson.Serialize(schema, datum);
                }
                catch (Exception e)
                {
                    Assert.Fail(DatumAssert.Context($"JSON serialize threw {e}", seed, schema, datum));
                    return;
                }

                object? fromJson;
                try
                {
                    fromJson = AvroJson.Deserialize(schema, json);
                }
                catch (Exception e)
                {
                    Assert.Fail(DatumAssert.Context($"JSON deserialize of {json} threw {e}", seed, schema, datum));
                    return;
                }

                Assert.True(GenericEquality.AreEqual(datum, fromJson), DatumAssert.Context("JSON round trip differs; read back " + DatumAssert.Json(schema, fromJson), seed, schema, datum));
                Assert.Equal(json, AvroJson.Serialize(schema, fromJson));
            }
        }
    }

    public static TheoryData<string, int> Containers()
    {
        var data = new TheoryData<string, int>();
        foreach (var codec in new[] { "null", "deflate", "snappy", "zstandard" })
        {
            data.Add(codec, 1);
            data.Add(codec, 200);
            data.Add(codec, AvroContainerWriter.DefaultBlockSize);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public void Container_RoundTripsEveryCodecAndBlockSize(string codecName, int blockSize)
    {
        var codec = AvroCodecs.Get(codecName);
        var stopwatch = Stopwatch.StartNew();
        for (var seed = 1000; seed < 1060; seed++)
        {
            var schema = RandomSchemas.Schema(seed);
            var datums = new RandomDatums(seed).Many(schema, 1 + (seed % 30));
            using var file = new MemoryStream();
            using (var writer = new AvroContainerWriter(file, schema, codec, blockSize, leaveOpen: true))
            {
                foreach (var datum in datums)
                {
                    writer.Append(datum);
                }
            }

            var bytes = file.ToArray();
            List<object?> read;
            int blocks;
            try
            {
                using var reader = AvroContainerReader.Open(new MemoryStream(bytes));
                Assert.Equal(schema.ToCanonicalForm(), reader.WriterSchema.ToCanonicalForm());
                Assert.Equal(codecName, reader.Header.Codec.Name);
                read = reader.ReadAll().ToList();
                using var counter = AvroContainerReader.Open(new MemoryStream(bytes));
                blocks = 0;
                while (counter.TryReadBlock(out _))
                {
                    blocks++;
                }
            }
            catch (Exception e)
            {
                Assert.Fail(DatumAssert.Context($"{codecName}/{blockSize}: reading the container threw {e}", seed, schema, datums.FirstOrDefault()));
                return;
            }

            Assert.True(datums.Count == read.Count, $"seed {seed}, {codecName}/{blockSize}: {read.Count} datums read, {datums.Count} written");
            for (var i = 0; i < datums.Count; i++)
            {
                Assert.True(GenericEquality.AreEqual(datums[i], read[i]),
                    DatumAssert.Context($"{codecName}/{blockSize}: datum {i} differs after the container; read {DatumAssert.Json(schema, read[i])}", seed, schema, datums[i]));
            }

            if (blockSize == 1 && datums.All(d => GenericDatumWriter.ToArray(schema, d).Length > 0))
            {
                Assert.True(blocks == datums.Count, $"seed {seed}: block size 1 gives one block per datum, got {blocks} for {datums.Count}");
            }
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Container_BigArraysSpanManyBlocks()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"Big","fields":[{"name":"xs","type":{"type":"array","items":"long"}},{"name":"s","type":"string"}]}""");
        var random = new RandomDatums(7, new RandomDatumOptions { BigArrays = true });
        var datums = Enumerable.Range(0, 50).Select(i =>
        {
            var r = new GenericRecord((RecordSchema)schema);
            r[0] = Enumerable.Range(0, 300 + i).Select(k => (object?)(k % 3 == 0 ? long.MinValue + k : (long)k * 1_000_003)).ToList();
            r[1] = random.Next(AvroSchema.Create(AvroType.String));
            return (object?)r;
        }).ToList();

        foreach (var codec in new[] { AvroCodecs.Null, AvroCodecs.Deflate, AvroCodecs.Snappy, AvroCodecs.Zstandard })
        {
            using var file = new MemoryStream();
            using (var writer = new AvroContainerWriter(file, schema, codec, blockSize: 4096, leaveOpen: true))
            {
                datums.ForEach(writer.Append);
            }

            using var reader = AvroContainerReader.Open(new MemoryStream(file.ToArray()));
            var read = reader.ReadAll().ToList();
            Assert.Equal(datums.Count, read.Count);
            Assert.All(datums.Zip(read), p => Assert.True(GenericEquality.AreEqual(p.First, p.Second), codec.Name));
        }
    }

    private static IEnumerable<int> BatchSeeds(int batch) => Enumerable.Range(0, SchemaSeeds).Where(seed => seed % 8 == batch);

    private static bool NullNamespaceInsideNamespace(AvroSchema schema, string? space, HashSet<string> seen)
    {
        if (schema is NamedSchema named)
        {
            if (named.Name.Namespace is null && space is not null)
            {
                return true;
            }

            if (!seen.Add(named.FullName))
            {
                return false;
            }

            space = named.Name.Namespace;
        }

        return schema switch
        {
            RecordSchema r => r.Fields.Any(f => NullNamespaceInsideNamespace(f.Schema, space, seen)),
            ArraySchema a => NullNamespaceInsideNamespace(a.Items, space, seen),
            MapSchema m => NullNamespaceInsideNamespace(m.Values, space, seen),
            UnionSchema u => u.Branches.Any(b => NullNamespaceInsideNamespace(b, space, seen)),
            _ => false,
        };
    }

    private static bool IsRecursive(AvroSchema schema)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        bool Visit(AvroSchema s)
        {
            switch (s)
            {
                case RecordSchema r:
                    if (open.Contains(r.FullName))
                    {
                        return true;
                    }

                    if (!done.Add(r.FullName))
                    {
                        return false;
                    }

                    open.Add(r.FullName);
                    var found = r.Fields.Any(f => Visit(f.Schema));
                    open.Remove(r.FullName);
                    return found;
                case ArraySchema a:
                    return Visit(a.Items);
                case MapSchema m:
                    return Visit(m.Values);
                case UnionSchema u:
                    return u.Branches.Any(Visit);
                default:
                    return false;
            }
        }

        return Visit(schema);
    }
}
