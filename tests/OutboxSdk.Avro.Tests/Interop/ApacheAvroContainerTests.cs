using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Properties;
using ApacheCodec = Avro.File.Codec;
using ApacheSchema = Avro.Schema;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>
/// Object container files both ways with Apache.Avro: our writer → its <c>DataFileReader</c>, its
/// <c>DataFileWriter</c> → our reader, several blocks per file, for the codecs Apache.Avro 1.12.2 has in the box
/// (null and deflate; snappy and zstandard live in separate Apache.Avro.File.* packages). Schemas are the property
/// tests' random ones without their logical types (see <see cref="ApacheAvroDatumTests"/>).
/// </summary>
public sealed class ApacheAvroContainerTests
{
    private const int Schemas = 40;
    private const int DatumsPerFile = 25;

    public static TheoryData<string> Codecs() => new("null", "deflate");

    [Theory]
    [MemberData(nameof(Codecs))]
    public void OurFiles_ReadByApache(string codec)
    {
        foreach (var (seed, schema, apacheSchema, datums) in Cases())
        {
            using var file = new MemoryStream();
            using (var writer = new AvroContainerWriter(file, schema, AvroCodecs.Get(codec), blockSize: 256, leaveOpen: true))
            {
                foreach (object? datum in datums)
                {
                    writer.Append(datum);
                }
            }

            file.Position = 0;
            using var reader = global::Avro.File.DataFileReader<object>.OpenReader(file, leaveOpen: true);
            Assert.Equal(codec, reader.GetMetaString("avro.codec"));
            List<object> theirs = reader.NextEntries.ToList();
            Assert.True(datums.Count == theirs.Count, $"seed {seed}: Apache read {theirs.Count} of {datums.Count} datums");
            for (int i = 0; i < datums.Count; i++)
            {
                // Apache's datum, written by Apache, is our datum's encoding exactly.
                byte[] ours = GenericDatumWriter.ToArray(schema, datums[i]);
                byte[] apache = ApacheAvroDatumTests.ApacheWrite(apacheSchema, theirs[i]);
                Assert.True(ours.AsSpan().SequenceEqual(apache), DatumAssert.Context($"datum {i} differs after Apache's {codec} reader", seed, schema, datums[i]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void ApacheFiles_ReadByUs(string codec)
    {
        foreach (var (seed, schema, apacheSchema, datums) in Cases())
        {
            if (ApacheAvroDifferences.NestsPrimitiveTypes(apacheSchema.ToString()))
            {
                continue; // its header schema is out of the spec's form: ApacheAvroDisagreementTests
            }

            using var file = new MemoryStream();
            var datumWriter = new global::Avro.Generic.GenericDatumWriter<object>(apacheSchema);
            using (var writer = global::Avro.File.DataFileWriter<object>.OpenWriter(datumWriter, file, ApacheCodec.CreateCodecFromString(codec), leaveOpen: true))
            {
                writer.SetSyncInterval(256);
                foreach (object? datum in datums)
                {
                    writer.Append(ApacheAvroDatumTests.ApacheRead(apacheSchema, GenericDatumWriter.ToArray(schema, datum)));
                }
            }

            file.Position = 0;
            AvroContainerReader reader;
            try
            {
                reader = AvroContainerReader.Open(file, leaveOpen: true);
            }
            catch (AvroFormatException e)
            {
                Assert.Fail($"seed {seed}: {e.Message}{Environment.NewLine}Apache's header schema: {apacheSchema}{Environment.NewLine}ours: {schema}");
                return;
            }

            using var _ = reader;
            Assert.Equal(schema.ToCanonicalForm(), reader.WriterSchema.ToCanonicalForm());
            List<object?> ours = reader.ReadAll().ToList();
            Assert.True(datums.Count == ours.Count, $"seed {seed}: we read {ours.Count} of {datums.Count} datums");
            for (int i = 0; i < datums.Count; i++)
            {
                string? difference = DatumAssert.FirstDifference(datums[i], ours[i]);
                Assert.True(difference is null, DatumAssert.Context($"datum {i} from Apache's {codec} file: {difference}", seed, schema, datums[i]));
            }
        }
    }

    [Theory]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void ApacheAvro_HasNoSnappyOrZstandardInTheBox(string codec)
    {
        // Our files with these codecs are read by avsc and by the conformance tests; Apache.Avro needs its
        // Apache.Avro.File.Snappy / .ZStandard packages, which this check would start passing without.
        using var file = new MemoryStream();
        using (var writer = new AvroContainerWriter(file, AvroSchema.Parse("\"int\""), AvroCodecs.Get(codec), leaveOpen: true))
        {
            writer.Append(42);
        }

        file.Position = 0;
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var reader = global::Avro.File.DataFileReader<object>.OpenReader(file, leaveOpen: true);
            return reader.NextEntries.ToList();
        });

        // It looks for the separate package's assembly by name.
        Assert.IsType<FileNotFoundException>(error);
        Assert.Contains(codec == "snappy" ? "Avro.File.Snappy" : "Avro.File.Zstandard", error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<(int Seed, AvroSchema Schema, ApacheSchema ApacheSchema, List<object?> Datums)> Cases()
    {
        int produced = 0;
        for (int seed = 1000; produced < Schemas; seed++)
        {
            string json = ApacheAvroDatumTests.WithoutLogicalTypes(RandomSchemas.Json(seed));
            AvroSchema schema = AvroSchema.Parse(json);
            if (ApacheAvroDifferences.Of(schema) is not null)
            {
                continue;
            }

            produced++;
            yield return (seed, schema, ApacheSchema.Parse(json), new RandomDatums(seed).Many(schema, DatumsPerFile));
        }
    }
}
