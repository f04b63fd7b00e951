using System.Text.Json;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;

namespace OutboxSdk.Avro.Tests.Container;

/// <summary>The Apache container files: every weather file under every codec, and syncInMeta.avro.</summary>
public sealed class ConformanceFileTests
{
    [Theory]
    [InlineData("weather.avro", "null")]
    [InlineData("weather-deflate.avro", "deflate")]
    [InlineData("weather-snappy.avro", "snappy")]
    [InlineData("weather-zstd.avro", "zstandard")]
    [InlineData("weather-sorted.avro", "deflate")]
    public void Weather_files_hold_the_records_of_weather_json(string file, string codec)
    {
        using var reader = AvroContainerReader.Open(File.OpenRead(TestData.File(file)));
        Assert.Equal(codec, reader.Header.Codec.Name);
        Assert.Equal("test.Weather", reader.WriterSchema.TypeName);
        var actual = reader.ReadAll().Select(d => AvroJson.Serialize(reader.WriterSchema, d)).ToList();

        var expected = File.ReadAllLines(TestData.File("weather.json")).Where(l => l.Length > 0).ToList();
        if (file == "weather-sorted.avro")
        {
            // The sorted file holds the same records in another order.
            expected.Sort(StringComparer.Ordinal);
            actual.Sort(StringComparer.Ordinal);
        }

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(JsonElement.DeepEquals(Parse(expected[i]), Parse(actual[i])), $"record {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Sync_marker_bytes_inside_the_header_metadata_do_not_confuse_the_reader()
    {
        using var reader = AvroContainerReader.Open(File.OpenRead(TestData.File("syncInMeta.avro")));
        var count = 0;
        foreach (var datum in reader.ReadAll())
        {
            Assert.IsType<GenericRecord>(datum);
            count++;
        }

        Assert.Equal(6001, count);
    }

    [Theory]
    [InlineData("weather.avro")]
    [InlineData("syncInMeta.avro")]
    public void Rewriting_a_conformance_file_under_each_codec_keeps_every_datum(string file)
    {
        List<object?> original;
        using (var reader = AvroContainerReader.Open(File.OpenRead(TestData.File(file))))
        {
            original = reader.ReadAll().ToList();
            foreach (var codecName in AvroCodecs.SupportedNames)
            {
                var buffer = new MemoryStream();
                using (var writer = new AvroContainerWriter(buffer, reader.WriterSchema, AvroCodecs.Get(codecName), blockSize: 1024, leaveOpen: true))
                {
                    foreach (var datum in original)
                    {
                        writer.Append(datum);
                    }
                }

                buffer.Position = 0;
                using var reread = AvroContainerReader.Open(buffer);
                Assert.Equal(codecName, reread.Header.Codec.Name);
                var copy = reread.ReadAll().ToList();
                Assert.Equal(original.Count, copy.Count);
                for (var i = 0; i < copy.Count; i++)
                {
                    Assert.True(GenericEquality.AreEqual(original[i], copy[i]), $"{codecName}: datum {i} differs");
                }
            }
        }
    }

    [Fact]
    public void The_interop_schemas_parse_and_round_trip()
    {
        foreach (var name in new[] { "schemas_interop.avsc", "schemas_weather.avsc", "schemas_simple_schema.json", "schemas_withUnion_schema.json" })
        {
            var schema = Avro.Schema.AvroSchema.Parse(File.ReadAllText(TestData.File(name)));
            Assert.Equal(schema.ToCanonicalForm(), Avro.Schema.AvroSchema.Parse(schema.ToString()).ToCanonicalForm());
        }
    }

    [Theory]
    [InlineData("schemas_simple_data.avro")]
    [InlineData("schemas_withUnion_data.avro")]
    public void The_small_data_files_read(string file)
    {
        using var reader = AvroContainerReader.Open(File.OpenRead(TestData.File(file)));
        Assert.NotEmpty(reader.ReadAll().ToList());
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
