using System.IO.Compression;
using OutboxSdk.Avro.Container;
using static OutboxSdk.Avro.Tests.Codecs.CodecTestHelpers;

namespace OutboxSdk.Avro.Tests.Codecs;

public class DeflateCodecTests
{
    [Fact]
    public void Output_IsRawDeflateWithoutZlibHeader()
    {
        byte[] input = Input("text");
        byte[] compressed = Compress(new DeflateCodec(), input);

        // A zlib stream would start with a CMF/FLG pair whose 16-bit value is a multiple of 31 (RFC 1950).
        bool looksLikeZlib = (compressed[0] & 0x0F) == 8 && ((compressed[0] << 8) | compressed[1]) % 31 == 0;
        Assert.False(looksLikeZlib);

        using var inflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var restored = new MemoryStream();
        inflate.CopyTo(restored);
        Assert.Equal(input, restored.ToArray());
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void EveryLevel_RoundTrips(CompressionLevel level)
    {
        var codec = new DeflateCodec(level);
        byte[] input = Input("text");

        Assert.Equal(input, Decompress(codec, Compress(codec, input)));
        Assert.Equal(level, codec.Level);
    }

    [Fact]
    public void ZlibReadsOurOutput_AndWeReadZlibs()
    {
        // Python's zlib with wbits = -15 is the raw deflate the spec names; skipped when python3 is absent.
        byte[] input = Input("text");
        var inflated = Run("python3", "-c \"import sys,zlib;sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read(),-15))\"",
            Compress(new DeflateCodec(), input));
        if (inflated is null)
        {
            return;
        }

        Assert.True(inflated.Value.ExitCode == 0, inflated.Value.Error);
        Assert.Equal(input, inflated.Value.Output);

        var deflated = Run("python3", "-c \"import sys,zlib;c=zlib.compressobj(9,zlib.DEFLATED,-15);sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())\"",
            input);
        Assert.NotNull(deflated);
        Assert.True(deflated.Value.ExitCode == 0, deflated.Value.Error);
        Assert.Equal(input, Decompress(new DeflateCodec(), deflated.Value.Output));
    }

    [Fact]
    public void Truncated_ThrowsEvenWhenOutputStopsExactlyAtTheLimit()
    {
        byte[] compressed = Compress(new DeflateCodec(), Input("random"));
        byte[] truncated = compressed[..(compressed.Length / 2)];

        // DeflateStream itself hands back the partial output without complaint; find out how much that is.
        using var inflate = new DeflateStream(new MemoryStream(truncated), CompressionMode.Decompress);
        var partial = new MemoryStream();
        inflate.CopyTo(partial);

        Assert.Throws<AvroFormatException>(() => Decompress(new DeflateCodec(), truncated, (int)partial.Length));
        Assert.Throws<AvroFormatException>(() => Decompress(new DeflateCodec(), truncated));
    }

    [Fact]
    public void EmptyInput_IsACompleteEmptyStream()
    {
        Assert.Equal([0x03, 0x00], Compress(new DeflateCodec(), []));
        Assert.Empty(Decompress(new DeflateCodec(), [0x03, 0x00]));
        Assert.Empty(Decompress(new DeflateCodec(), []));
    }
}
