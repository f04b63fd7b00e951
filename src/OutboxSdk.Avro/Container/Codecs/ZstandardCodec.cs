using System.Buffers;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>zstandard</c> codec: each block is one or more Zstandard frames
/// (see Avro spec, Object Container Files, Optional Codecs, "zstandard"). Fully managed (ZstdSharp, a port of
/// the reference zstd library), so it works on every platform without a native library.
/// </summary>
public sealed class ZstandardCodec : AvroCodec
{
    /// <summary>The compression level used when none is given, zstd's own default.</summary>
    public const int DefaultLevel = 3;

    // Output is produced in slices of this size, so a large block does not ask the writer for one huge buffer.
    private const int ChunkSize = 128 * 1024;

    /// <summary>Creates the codec with compression level <see cref="DefaultLevel"/>.</summary>
    public ZstandardCodec() : this(DefaultLevel)
    {
    }

    /// <summary>
    /// Creates the codec with a compression level: 1 (fastest) to 22 (smallest), negative levels for faster
    /// and weaker compression, 0 for zstd's default.
    /// </summary>
    public ZstandardCodec(int level)
    {
        // zstd's range: ZSTD_minCLevel() is -(128 KiB), ZSTD_maxCLevel() is 22.
        ArgumentOutOfRangeException.ThrowIfLessThan(level, -(1 << 17));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 22);
        Level = level;
    }

    /// <summary>
    /// Always true: the codec is managed code and needs nothing from the platform. Kept from the time it called
    /// the system's libzstd, so callers that still check it keep compiling.
    /// </summary>
    public static bool IsAvailable => true;

    /// <summary>The compression level used by <see cref="Compress"/>.</summary>
    public int Level { get; }

    /// <inheritdoc />
    public override string Name => "zstandard";

    /// <inheritdoc />
    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        int bound = Compressor.GetCompressBound(source.Length);
        Span<byte> output = destination.GetSpan(bound);
        destination.Advance(ZstdContexts.Compressor(Level).Wrap(source, output));
    }

    /// <inheritdoc />
    public override unsafe void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedLength);

        ZSTD_DCtx_s* stream = ZstdContexts.Decompression();
        Check(Methods.ZSTD_DCtx_reset(stream, ZSTD_ResetDirective.ZSTD_reset_session_only), 0);
        fixed (byte* input = source)
        {
            var inBuffer = new ZSTD_inBuffer_s { src = input, size = (nuint)source.Length };
            Decode(stream, &inBuffer, destination, maxDecompressedLength);
        }
    }

    // The streaming API is used so frames that do not record their content size decode too, and so the
    // output limit is enforced while decoding rather than trusting a size in the frame header.
    private static unsafe void Decode(
        ZSTD_DCtx_s* stream, ZSTD_inBuffer_s* input, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        long total = 0;
        byte probe = 0;
        while (true)
        {
            int room = maxDecompressedLength - (int)total;
            nuint result;
            nuint produced;
            bool outputFull;
            if (room == 0)
            {
                // At the limit: a one-byte probe tells whether the frame still has output to give.
                var outBuffer = new ZSTD_outBuffer_s { dst = &probe, size = 1 };
                result = Methods.ZSTD_decompressStream(stream, &outBuffer, input);
                Check(result, (long)input->pos);
                if (outBuffer.pos != 0)
                {
                    throw CodecErrors.TooLarge("zstandard", maxDecompressedLength, (long)input->pos);
                }

                produced = 0;
                outputFull = false;
            }
            else
            {
                Span<byte> span = destination.GetSpan(Math.Min(room, ChunkSize));
                span = span[..Math.Min(span.Length, room)];
                fixed (byte* target = span)
                {
                    var outBuffer = new ZSTD_outBuffer_s { dst = target, size = (nuint)span.Length };
                    result = Methods.ZSTD_decompressStream(stream, &outBuffer, input);
                    produced = outBuffer.pos;
                    outputFull = outBuffer.pos == outBuffer.size;
                }

                Check(result, (long)input->pos);
                destination.Advance((int)produced);
                total += (long)produced;
            }

            bool inputDone = input->pos == input->size;
            if (result == 0 && inputDone)
            {
                // The last frame is complete and fully flushed. A zero result mid-input means another frame follows.
                return;
            }

            if (inputDone && !outputFull)
            {
                throw new AvroFormatException("zstandard block ends inside a frame", (long)input->pos);
            }
        }
    }

    private static unsafe void Check(nuint result, long position)
    {
        if (Methods.ZSTD_isError(result))
        {
            throw new AvroFormatException("corrupt zstandard block: " + ErrorName(result), position);
        }
    }

    private static string ErrorName(nuint code) => Methods.ZSTD_getErrorName(code);
}
