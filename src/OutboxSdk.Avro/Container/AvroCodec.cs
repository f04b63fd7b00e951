using System.Buffers;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// A block compression codec of Avro object container files (see the specification, "Required Codecs" and
/// "Optional Codecs"). Codecs are stateless and thread-safe.
/// </summary>
public abstract class AvroCodec
{
    /// <summary>The name written to the <c>avro.codec</c> metadata entry.</summary>
    public abstract string Name { get; }

    /// <summary>Compresses one block's serialized objects.</summary>
    public abstract void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    /// <summary>
    /// Decompresses one block. Throws <see cref="AvroFormatException"/> when the block is corrupt or would expand
    /// past <paramref name="maxDecompressedLength"/> bytes (a guard against hostile input).
    /// </summary>
    public abstract void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength);
}
