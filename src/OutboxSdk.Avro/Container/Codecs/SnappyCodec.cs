using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Snappier;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>snappy</c> codec: each block is compressed with the raw Snappy block format (not the framing format)
/// and followed by the 4-byte big-endian CRC-32 of the uncompressed data
/// (see Avro spec, Object Container Files, Optional Codecs, "snappy"). Fully managed (Snappier).
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

        Span<byte> output = destination.GetSpan(Snappy.GetMaxCompressedLength(source.Length) + ChecksumLength);
        int written = Snappy.Compress(source, output);
        BinaryPrimitives.WriteUInt32BigEndian(output[written..], Crc32.HashToUInt32(source));
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
        int length = ReadLength(compressed);

        // Checked before any allocation, so a forged length cannot make us reserve gigabytes.
        if (length > maxDecompressedLength)
        {
            throw CodecErrors.TooLarge("snappy", length, maxDecompressedLength, 0);
        }

        Span<byte> output = destination.GetSpan(length)[..length];
        int written;
        try
        {
            // The output is exactly the declared length, so an element writing past it is an error, not a resize.
            written = Snappy.Decompress(compressed, output);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            throw new AvroFormatException("corrupt snappy block: " + ex.Message, 0);
        }

        if (written != length)
        {
            throw new AvroFormatException(
                "snappy block decodes to " + written.ToString(CultureInfo.InvariantCulture) + " bytes but declares "
                + length.ToString(CultureInfo.InvariantCulture), compressed.Length);
        }

        uint expected = BinaryPrimitives.ReadUInt32BigEndian(source[^ChecksumLength..]);
        if (Crc32.HashToUInt32(output) != expected)
        {
            throw new AvroFormatException("snappy block's CRC-32 does not match its uncompressed data", compressed.Length);
        }

        destination.Advance(length);
    }

    // The block starts with its uncompressed length as a little-endian base-128 varint of at most 32 bits.
    private static int ReadLength(ReadOnlySpan<byte> compressed)
    {
        int length;
        try
        {
            length = Snappy.GetUncompressedLength(compressed);
        }
        catch (InvalidDataException ex)
        {
            throw new AvroFormatException("snappy block has an invalid length header: " + ex.Message, 0);
        }

        if (length < 0)
        {
            throw new AvroFormatException("snappy block declares more bytes than a block can hold", 0);
        }

        return length;
    }
}
