using OutboxSdk.Avro.Container;

namespace OutboxSdk.Avro.Tests.Codecs;

/// <summary>Decodes the Apache Avro project's weather files, written by the Java implementation under each codec.</summary>
public class ConformanceTests
{
    [Theory]
    [InlineData("weather-deflate.avro", "deflate")]
    [InlineData("weather-snappy.avro", "snappy")]
    [InlineData("weather-zstd.avro", "zstandard")]
    public void CompressedWeatherFile_DecodesToTheUncompressedFilesBlocks(string file, string codecName)
    {
        OcfTestReader plain = OcfTestReader.Read(TestData.File("weather.avro"));
        OcfTestReader compressed = OcfTestReader.Read(TestData.File(file));
        Assert.Equal("null", plain.Codec);
        Assert.Equal(codecName, compressed.Codec);

        AvroCodec codec = AvroCodecs.Get(compressed.Codec);
        byte[] decoded = [.. compressed.Blocks.SelectMany(block => Decompress(codec, block.Data))];
        byte[] expected = [.. plain.Blocks.SelectMany(block => block.Data)];

        Assert.NotEmpty(expected);
        Assert.Equal(expected, decoded);
        Assert.Equal(plain.Blocks.Sum(block => block.Count), compressed.Blocks.Sum(block => block.Count));
        Assert.Equal(RecordCount(), compressed.Blocks.Sum(block => block.Count));
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void WeatherBlocks_SurviveOurCompression(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        foreach (var (_, data) in OcfTestReader.Read(TestData.File("weather.avro")).Blocks)
        {
            Assert.Equal(data, Decompress(codec, CodecTestHelpers.Compress(codec, data)));
        }
    }

    [Fact]
    public void TestData_FindsTheSharedFolder()
    {
        Assert.True(File.Exists(Path.Combine(TestData.AvroTestDataDirectory, "weather.avro")));
    }

    private static byte[] Decompress(AvroCodec codec, byte[] block)
    {
        // A block's limit in the real reader is configurable; 1 MiB is ample for these files.
        return CodecTestHelpers.Decompress(codec, block, 1024 * 1024);
    }

    private static long RecordCount() =>
        File.ReadAllLines(TestData.File("weather.json")).Count(line => line.Trim().Length > 0);
}
