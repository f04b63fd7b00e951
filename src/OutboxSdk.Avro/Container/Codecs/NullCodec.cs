using System.Buffers;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>null</c> codec: blocks are stored uncompressed
/// (see Avro spec, Object Container Files, Required Codecs, "null").
/// </summary>
public sealed class NullCodec : AvroCodec
{
    /// <inheritdoc />
    public override string Name => "null";

    /// <inheritdoc />
    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(source);
    }

    /// <inheritdoc />
    public override void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedLength);

        // Even without compression the guard applies: a hostile block size must not pass unchecked.
        if (source.Length > maxDecompressedLength)
        {
            throw new AvroFormatException(
                "the block holds " + source.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " bytes, more than the limit of "
                + maxDecompressedLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                maxDecompressedLength);
        }

        destination.Write(source);
    }
}
