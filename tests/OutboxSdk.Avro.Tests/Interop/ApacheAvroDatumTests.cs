using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Properties;
using ApacheDecoder = Avro.IO.BinaryDecoder;
using ApacheEncoder = Avro.IO.BinaryEncoder;
using ApacheSchema = Avro.Schema;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Apache.Avro as an in-process oracle for the binary encoding, on the random schemas and datums of the property
/// tests: Apache's GenericDatumReader decodes our bytes, its GenericDatumWriter writes that datum back to exactly
/// our bytes, and we decode its bytes to the datum we started from. Apache's side reads the schema without its
/// logical types: they do not change the encoding (see Avro spec, "Logical Types"), and Apache's generic reader
/// would otherwise turn values into .NET types (DateTime, TimeSpan, AvroDecimal) that cannot hold every value of
/// the underlying type and that re-encode a decimal in its shortest form.
/// </summary>
public sealed class ApacheAvroDatumTests
{
    private const int SchemaSeeds = 300;
    private const int DatumsPerSchema = 4;

    public static TheoryData<int> SeedBatches() => new(Enumerable.Range(0, 4));

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void RandomDatums_CrossBothWays(int batch)
    {
        var failures = new List<string>();
        int compared = 0;
        for (int seed = batch; seed < SchemaSeeds && failures.Count < 5; seed += 4)
        {
            AvroSchema schema = RandomSchemas.Schema(seed);
            if (ApacheAvroDifferences.Of(schema) is not null)
            {
                continue;
            }

            compared++;
            ApacheSchema apacheSchema = ApacheSchema.Parse(WithoutLogicalTypes(schema.ToString()));
            var reader = new GenericDatumReader(schema);
            foreach (object? datum in new RandomDatums(seed).Many(schema, DatumsPerSchema))
            {
                string? failure = CrossBothWays(schema, apacheSchema, reader, datum);
                if (failure is not null)
                {
                    failures.Add(DatumAssert.Context(failure, seed, schema, datum));
                    break;
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
        Assert.True(compared > SchemaSeeds / 8, $"only {compared} random schemas were compared");
    }

    private static string? CrossBothWays(AvroSchema schema, ApacheSchema apacheSchema, GenericDatumReader reader, object? datum)
    {
        byte[] ours = GenericDatumWriter.ToArray(schema, datum);
        object apacheDatum;
        byte[] theirs;
        try
        {
            apacheDatum = ApacheRead(apacheSchema, ours);
            theirs = ApacheWrite(apacheSchema, apacheDatum);
        }
        catch (Exception e) when (e is global::Avro.AvroException or ArgumentException or InvalidCastException or OverflowException or FormatException)
        {
            return $"Apache.Avro failed on our bytes {Convert.ToHexString(ours)}: {e.GetType().Name}: {e.Message}";
        }

        if (!ours.AsSpan().SequenceEqual(theirs))
        {
            return $"Apache.Avro re-encoded our datum differently{Environment.NewLine}ours:   {Convert.ToHexString(ours)}{Environment.NewLine}Apache: {Convert.ToHexString(theirs)}";
        }

        object? back = reader.Read(theirs);
        string? difference = DatumAssert.FirstDifference(datum, back);
        return difference is null ? null : "we decoded Apache's bytes to another datum: " + difference;
    }

    /// <summary>The schema JSON with every <c>logicalType</c> attribute removed.</summary>
    internal static string WithoutLogicalTypes(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json);
        Strip(node);
        return node!.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject obj:
                    obj.Remove("logicalType");
                    foreach (var child in obj.Select(p => p.Value).ToList())
                    {
                        Strip(child);
                    }

                    break;
                case System.Text.Json.Nodes.JsonArray array:
                    foreach (var child in array)
                    {
                        Strip(child);
                    }

                    break;
            }
        }
    }

    internal static object ApacheRead(ApacheSchema schema, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var reader = new global::Avro.Generic.GenericDatumReader<object>(schema, schema);
        object datum = reader.Read(null!, new ApacheDecoder(stream));
        Assert.True(stream.Position == bytes.Length, $"Apache.Avro read {stream.Position} of {bytes.Length} bytes");
        return datum;
    }

    internal static byte[] ApacheWrite(ApacheSchema schema, object datum)
    {
        using var stream = new MemoryStream();
        var encoder = new ApacheEncoder(stream);
        new global::Avro.Generic.GenericDatumWriter<object>(schema).Write(datum, encoder);
        encoder.Flush();
        return stream.ToArray();
    }
}
