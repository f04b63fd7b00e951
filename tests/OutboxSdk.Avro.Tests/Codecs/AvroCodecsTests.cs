using OutboxSdk.Avro.Container;

namespace OutboxSdk.Avro.Tests.Codecs;

public class AvroCodecsTests
{
    [Fact]
    public void Properties_MatchTheirNames()
    {
        Assert.Equal("null", AvroCodecs.Null.Name);
        Assert.Equal("deflate", AvroCodecs.Deflate.Name);
        Assert.Equal("snappy", AvroCodecs.Snappy.Name);
        Assert.Equal("zstandard", AvroCodecs.Zstandard.Name);
        Assert.Equal(["null", "deflate", "snappy", "zstandard"], AvroCodecs.SupportedNames);
    }

    [Fact]
    public void Get_ReturnsTheRegisteredInstances()
    {
        Assert.Same(AvroCodecs.Null, AvroCodecs.Get("null"));
        Assert.Same(AvroCodecs.Deflate, AvroCodecs.Get("deflate"));
        Assert.Same(AvroCodecs.Snappy, AvroCodecs.Get("snappy"));
        Assert.Same(AvroCodecs.Zstandard, AvroCodecs.Get("zstandard"));
    }

    [Theory]
    [InlineData("bzip2")]
    [InlineData("xz")]
    [InlineData("Snappy")]
    [InlineData("zstd")]
    [InlineData("")]
    public void UnknownNames_AreRejected(string name)
    {
        Assert.False(AvroCodecs.TryGet(name, out _));

        var error = Assert.Throws<AvroException>(() => AvroCodecs.Get(name));
        Assert.Contains("\"" + name + "\"", error.Message, StringComparison.Ordinal);
        foreach (string supported in AvroCodecs.SupportedNames)
        {
            Assert.Contains(supported, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Zstandard_NeedsNoNativeLibrary()
    {
        // Managed (ZstdSharp): available everywhere, and a round trip works without libzstd on the machine.
        Assert.True(ZstandardCodec.IsAvailable);
        byte[] input = CodecTestHelpers.Input("text");
        Assert.Equal(input, CodecTestHelpers.Decompress(AvroCodecs.Zstandard, CodecTestHelpers.Compress(AvroCodecs.Zstandard, input)));
    }

    [Fact]
    public void Constructors_RejectBadLevels()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZstandardCodec(23));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeflateCodec((System.IO.Compression.CompressionLevel)42));
        Assert.Equal(19, new ZstandardCodec(19).Level);
    }
}
