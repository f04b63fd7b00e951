using System.Buffers;
using System.IO.Compression;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>deflate</c> codec: raw RFC 1951 deflate data, without the zlib header or checksum
/// (see Avro spec, Object Container Files, Required Codecs, "deflate").
/// </summary>
public sealed class DeflateCodec : AvroCodec
{
    private const int ChunkSize = 64 * 1024;

    private static ReadOnlySpan<byte> EmptyStream => [0x03, 0x00];

    private readonly CompressionLevel _level;

    /// <summary>Creates the codec with <see cref="CompressionLevel.Optimal"/> compression.</summary>
    public DeflateCodec() : this(CompressionLevel.Optimal)
    {
    }

    /// <summary>Creates the codec with the given compression level.</summary>
    public DeflateCodec(CompressionLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown compression level.");
        }

        _level = level;
    }

    /// <summary>The compression level used by <see cref="Compress"/>.</summary>
    public CompressionLevel Level => _level;

    /// <inheritdoc />
    public override string Name => "deflate";

    /// <inheritdoc />
    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (source.IsEmpty)
        {
            // DeflateStream writes nothing at all for empty input; other readers expect a complete stream,
            // so write the empty final block with fixed Huffman codes (RFC 1951, 3.2.6): BFINAL=1, BTYPE=01, code 256.
            destination.Write(EmptyStream);
            return;
        }

        // DeflateStream (unlike ZLibStream) writes raw RFC 1951 data, which is what the spec requires.
        using var sink = new BufferWriterStream(destination);
        using (var deflate = new DeflateStream(sink, _level, leaveOpen: true))
        {
            deflate.Write(source);
        }
    }

    /// <inheritdoc />
    public override unsafe void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedLength);
        if (source.IsEmpty)
        {
            // What DeflateStream itself writes for empty input, so older .NET writers' empty blocks stay readable.
            return;
        }

        fixed (byte* pointer = source)
        {
            // The stream lives only inside this fixed block, so reading the span through a pointer is safe.
            using var input = new EndTrackingStream(new UnmanagedMemoryStream(pointer, source.Length));
            using var inflate = new DeflateStream(input, CompressionMode.Decompress);
            Inflate(inflate, input, destination, maxDecompressedLength);
        }
    }

    private static void Inflate(DeflateStream inflate, EndTrackingStream input, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        long total = 0;
        Span<byte> probe = stackalloc byte[1];
        while (true)
        {
            int room = maxDecompressedLength - (int)total;
            int read;
            try
            {
                if (room == 0)
                {
                    // At the limit: any further byte means the block is too large.
                    if (inflate.Read(probe) != 0)
                    {
                        throw CodecErrors.TooLarge("deflate", maxDecompressedLength, total);
                    }

                    read = 0;
                }
                else
                {
                    Span<byte> buffer = destination.GetSpan(Math.Min(room, ChunkSize));
                    read = inflate.Read(buffer[..Math.Min(buffer.Length, room)]);
                }
            }
            catch (InvalidDataException ex)
            {
                throw new AvroFormatException("corrupt deflate block: " + ex.Message, total);
            }

            if (read == 0)
            {
                // DeflateStream reports a truncated stream as a normal end; it only asks for input past the
                // end when the final block has not been seen, which is how truncation shows.
                if (input.ReadPastEnd)
                {
                    throw new AvroFormatException("deflate block ends before its final block", total);
                }

                return;
            }

            destination.Advance(read);
            total += read;
        }
    }

    /// <summary>Remembers whether the deflate decoder wanted more input than the block holds.</summary>
    private sealed class EndTrackingStream(Stream inner) : Stream
    {
        public bool ReadPastEnd { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            ReadPastEnd |= read == 0 && !buffer.IsEmpty;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
