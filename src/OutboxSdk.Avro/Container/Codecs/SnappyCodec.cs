using System.Buffers;
using System.Buffers.Binary;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>snappy</c> codec: each block is compressed with the raw Snappy block format (not the framing format)
/// and followed by the 4-byte big-endian CRC-32 of the uncompressed data
/// (see Avro spec, Object Container Files, Optional Codecs, "snappy"). Fully managed.
/// </summary>
public sealed class SnappyCodec : AvroCodec
{
    private const int ChecksumLength = 4;

    /// <inheritdoc />
    public override string Name => "snappy";

    /// <inheritdoc />
    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        Span<byte> output = destination.GetSpan(SnappyEncoder.MaxEncodedLength(source.Length) + ChecksumLength);
        int written = SnappyEncoder.Encode(source, output);
        BinaryPrimitives.WriteUInt32BigEndian(output[written..], Crc32.Compute(source));
        destination.Advance(written + ChecksumLength);
    }

    /// <inheritdoc />
    public override void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedLength);

        if (source.Length < ChecksumLength + 1)
        {
            throw new AvroFormatException("snappy block is too short to hold a length and its CRC-32", 0);
        }

        ReadOnlySpan<byte> compressed = source[..^ChecksumLength];
        int length = SnappyDecoder.ReadLength(compressed, out int headerLength);

        // Checked before any allocation, so a forged length cannot make us reserve gigabytes.
        if (length > maxDecompressedLength)
        {
            throw CodecErrors.TooLarge("snappy", length, maxDecompressedLength, 0);
        }

        Span<byte> output = destination.GetSpan(length)[..length];
        SnappyDecoder.Decode(compressed, headerLength, output);

        uint expected = BinaryPrimitives.ReadUInt32BigEndian(source[^ChecksumLength..]);
        if (Crc32.Compute(output) != expected)
        {
            throw new AvroFormatException("snappy block's CRC-32 does not match its uncompressed data", compressed.Length);
        }

        destination.Advance(length);
    }
}
