using OutboxSdk.Avro.Container;
using static OutboxSdk.Avro.Tests.Codecs.CodecTestHelpers;

namespace OutboxSdk.Avro.Tests.Codecs;

public class ZstandardCodecTests
{
    private static readonly ZstandardCodec Codec = new();

    [Fact]
    public void ZstdCliReadsOurOutput()
    {
        byte[] input = Input("large");
        var result = Run("zstd", "-d -c -q", Compress(Codec, input));
        if (result is null)
        {
            return; // the zstd command-line tool is not installed; the conformance file still covers interop
        }

        Assert.True(result.Value.ExitCode == 0, result.Value.Error);
        Assert.True(input.AsSpan().SequenceEqual(result.Value.Output));
    }

    [Fact]
    public void WeReadCliFramesWithoutContentSize()
    {
        // Streamed frames do not record their size; the streaming decoder must cope and still enforce the limit.
        byte[] input = Input("large");
        var result = Run("zstd", "-c -q -1 --no-content-size", input);
        if (result is null)
        {
            return;
        }

        Assert.True(result.Value.ExitCode == 0, result.Value.Error);
        Assert.True(input.AsSpan().SequenceEqual(Decompress(Codec, result.Value.Output, input.Length)));
        Assert.Throws<AvroFormatException>(() => Decompress(Codec, result.Value.Output, input.Length - 1));
    }

    [Fact]
    public void ConcatenatedFrames_DecodeAsOneBlock()
    {
        byte[] first = Input("text");
        byte[] second = Input("random");

        byte[] restored = Decompress(Codec, [.. Compress(Codec, first), .. Compress(Codec, second)]);

        Assert.Equal([.. first, .. second], restored);
    }

    [Fact]
    public void TrailingGarbageAfterAFrame_Throws()
    {
        byte[] compressed = [.. Compress(Codec, Input("text")), 1, 2, 3, 4, 5, 6, 7, 8];

        Assert.Throws<AvroFormatException>(() => Decompress(Codec, compressed));
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(1)]
    [InlineData(19)]
    public void Levels_RoundTrip(int level)
    {
        var codec = new ZstandardCodec(level);
        byte[] input = Input("text");

        Assert.Equal(input, Decompress(codec, Compress(codec, input)));
    }
}
