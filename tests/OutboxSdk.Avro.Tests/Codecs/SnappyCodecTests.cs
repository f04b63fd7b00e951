using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using OutboxSdk.Avro.Container;
using static OutboxSdk.Avro.Tests.Codecs.CodecTestHelpers;

namespace OutboxSdk.Avro.Tests.Codecs;

public class SnappyCodecTests
{
    private static readonly SnappyCodec Codec = new();

    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        // The spec's CRC-32 is the IEEE 802.3 one (reflected 0xEDB88320); its check value pins the library's choice.
        Assert.Equal(0xCBF43926u, Crc32.HashToUInt32("123456789"u8));
        Assert.Equal(0u, Crc32.HashToUInt32([]));
    }

    [Fact]
    public void Compress_AppendsBigEndianCrcOfTheUncompressedData()
    {
        byte[] input = Input("text");
        byte[] compressed = Compress(Codec, input);

        Assert.Equal(Crc32.HashToUInt32(input), BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressed.Length - 4)));
    }

    [Fact]
    public void Decompress_ReadsEveryElementKind()
    {
        var (block, expected) = HandBuiltBlock();

        Assert.Equal(expected, Decompress(Codec, block, expected.Length));
    }

    [Fact]
    public void Decompress_RejectsBadCrc()
    {
        byte[] compressed = Compress(Codec, Input("text"));
        compressed[^1] ^= 1;

        var error = Assert.Throws<AvroFormatException>(() => Decompress(Codec, compressed));
        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x0E, 0x00, 0x00 })] // copy-2 with offset 0
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x0E, 0x05, 0x00 })] // copy-2 reaching before the output start
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x0F, 0x09, 0x00, 0x00, 0x00 })] // copy-4 reaching before the start
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01, 0x00 })] // copy-1 with offset 0
    [InlineData(new byte[] { 0x05, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x0E, 0x04, 0x00 })] // copy past the declared length
    [InlineData(new byte[] { 0x03, 0x0C, 0x61, 0x62, 0x63, 0x64 })] // literal past the declared length
    [InlineData(new byte[] { 0x09, 0x0C, 0x61, 0x62, 0x63, 0x64 })] // fewer bytes than declared
    [InlineData(new byte[] { 0x09, 0x20, 0x61, 0x62 })] // literal runs past the end of the block
    [InlineData(new byte[] { 0x09, 0xF4, 0x01 })] // literal length bytes cut off
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x0E, 0x04 })] // copy offset cut off
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // length varint longer than 5 bytes
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })] // length past 2^31 - 1
    [InlineData(new byte[] { 0x80 })] // length varint cut off
    public void Decompress_RejectsMalformedElements(byte[] body)
    {
        // The CRC is a dummy: decoding must fail on the element itself, before the checksum is looked at.
        byte[] block = [.. body, 0, 0, 0, 0];

        var error = Assert.Throws<AvroFormatException>(() => Decompress(Codec, block));
        Assert.DoesNotContain("CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decompress_RejectsForgedLengthBeforeAllocating()
    {
        // Declares 2^31 - 1 bytes; the codec must refuse before asking the writer for that much memory.
        byte[] block = [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x61, 0, 0, 0, 0];
        var writer = new RecordingWriter();

        Assert.Throws<AvroFormatException>(() => Codec.Decompress(block, writer, 1024 * 1024));
        Assert.Equal(0, writer.LargestRequest);
    }

    [Fact]
    public void Decompress_RejectsBlocksTooShortForTheCrc()
    {
        Assert.Throws<AvroFormatException>(() => Decompress(Codec, []));
        Assert.Throws<AvroFormatException>(() => Decompress(Codec, [0, 0, 0, 0]));
    }

    [Fact]
    public void EmptyInput_IsALengthAndTheCrcOfNothing()
    {
        Assert.Equal([0, 0, 0, 0, 0], Compress(Codec, []));
    }

    [Fact]
    public void LongOverlappingRuns_RoundTrip()
    {
        // Exercises match splitting (copies of at most 64 bytes) and offsets of 1 across fragment borders.
        byte[] input = [.. Enumerable.Repeat((byte)7, 70_000), .. RandomBytes(3, 9), .. Enumerable.Repeat((byte)8, 131_073)];

        Assert.Equal(input, Decompress(Codec, Compress(Codec, input)));
    }

    // A block using every element kind: literals with length in the tag and with 1 to 4 length bytes,
    // copies with 1-, 2- and 4-byte offsets, and overlapping copies. Expected output is built independently.
    private static (byte[] Block, byte[] Expected) HandBuiltBlock()
    {
        var body = new List<byte>();
        var expected = new List<byte>();

        void Literal(byte[] tagAndLength, byte[] data)
        {
            body.AddRange(tagAndLength);
            body.AddRange(data);
            expected.AddRange(data);
        }

        void Copy(byte[] element, int offset, int length)
        {
            body.AddRange(element);
            for (int i = 0; i < length; i++)
            {
                expected.Add(expected[expected.Count - offset]);
            }
        }

        byte[] pattern = Enumerable.Range(0, 300).Select(i => (byte)(i * 31 % 251)).ToArray();
        Literal([0x0C], "abcd"u8.ToArray());                  // length 4 in the tag
        Literal([0xF0, 0x02], "xyz"u8.ToArray());             // 1 length byte
        Literal([0xF4, 0x01, 0x00], "pq"u8.ToArray());        // 2 length bytes
        Literal([0xF8, 0x00, 0x00, 0x00], "r"u8.ToArray());   // 3 length bytes
        Literal([0xFC, 0x2B, 0x01, 0x00, 0x00], pattern);     // 4 length bytes, 300 bytes
        Copy([0x2D, 0x2C], 300, 7);                           // copy-1, offset 300 uses the tag's high bits
        Copy([0xFE, 0x3D, 0x01], 317, 64);                    // copy-2, length 64
        Copy([0x4F, 0x05, 0x00, 0x00, 0x00], 5, 20);          // copy-4, overlapping
        Copy([0x1D, 0x01], 1, 11);                            // copy-1, offset 1: a run

        byte[] output = [.. expected];
        Assert.Equal(412, output.Length);
        byte[] crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(output));
        byte[] header = [0x9C, 0x03]; // 412 as a varint
        return ([.. header, .. body, .. crc], output);
    }

    private sealed class RecordingWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int LargestRequest { get; private set; }

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetSpan(sizeHint);
        }
    }
}
