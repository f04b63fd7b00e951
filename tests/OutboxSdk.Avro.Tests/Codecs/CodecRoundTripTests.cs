using System.Buffers;
using OutboxSdk.Avro.Container;
using static OutboxSdk.Avro.Tests.Codecs.CodecTestHelpers;

namespace OutboxSdk.Avro.Tests.Codecs;

public class CodecRoundTripTests
{
    public static TheoryData<string, string> CodecsAndInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string codec in CodecNames)
        {
            foreach (string kind in InputKinds)
            {
                data.Add(codec, kind);
            }
        }

        return data;
    }

    public static TheoryData<string> Codecs() => [.. CodecNames];

    [Theory]
    [MemberData(nameof(CodecsAndInputs))]
    public void RoundTrip_GivesBackTheInput(string codecName, string kind)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] input = Input(kind);

        byte[] compressed = Compress(codec, input);
        byte[] restored = Decompress(codec, compressed);

        Assert.Equal(input.Length, restored.Length);
        Assert.True(input.AsSpan().SequenceEqual(restored), codecName + " changed the " + kind + " input");
    }

    [Theory]
    [MemberData(nameof(CodecsAndInputs))]
    public void RoundTrip_WithExactLimit_Succeeds(string codecName, string kind)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] input = Input(kind);

        byte[] restored = Decompress(codec, Compress(codec, input), input.Length);

        Assert.True(input.AsSpan().SequenceEqual(restored));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_PastTheLimit_Throws(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] input = Input("text");
        byte[] compressed = Compress(codec, input);

        Assert.Throws<AvroFormatException>(() => Decompress(codec, compressed, input.Length - 1));
        Assert.Throws<AvroFormatException>(() => Decompress(codec, compressed, 0));
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void CompressibleInput_Shrinks(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] input = Input("repetitive");

        Assert.True(Compress(codec, input).Length < input.Length / 10);
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void Truncated_Throws(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] compressed = Compress(codec, Input("text"));

        foreach (int length in new[] { compressed.Length / 2, compressed.Length - 5, 1 })
        {
            Assert.Throws<AvroFormatException>(() => Decompress(codec, compressed.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void Garbage_Throws(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);

        Assert.Throws<AvroFormatException>(() => Decompress(codec, Enumerable.Repeat((byte)0xFF, 64).ToArray()));
        Assert.Throws<AvroFormatException>(() => Decompress(codec, "this is not compressed data at all"u8));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_AppendsToWhatTheWriterHolds(string codecName)
    {
        AvroCodec codec = AvroCodecs.Get(codecName);
        byte[] input = Input("text");
        var writer = new ArrayBufferWriter<byte>();
        writer.Write("prefix"u8);

        codec.Decompress(Compress(codec, input), writer, input.Length);

        Assert.True(writer.WrittenSpan.SequenceEqual([.. "prefix"u8, .. input]));
    }
}
