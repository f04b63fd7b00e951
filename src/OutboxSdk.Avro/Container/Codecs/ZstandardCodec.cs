using System.Buffers;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The <c>zstandard</c> codec: each block is one or more Zstandard frames
/// (see Avro spec, Object Container Files, Optional Codecs, "zstandard"). Calls the system's native libzstd;
/// check <see cref="IsAvailable"/> before use where the library may be missing.
/// </summary>
public sealed class ZstandardCodec : AvroCodec
{
    /// <summary>The compression level used when none is given, libzstd's own default.</summary>
    public const int DefaultLevel = 3;

    // Output is produced in slices of this size, so a large block does not ask the writer for one huge buffer.
    private const int ChunkSize = 128 * 1024;

    /// <summary>Creates the codec with compression level <see cref="DefaultLevel"/>.</summary>
    public ZstandardCodec() : this(DefaultLevel)
    {
    }

    /// <summary>
    /// Creates the codec with a compression level: 1 (fastest) to 22 (smallest), negative levels for faster
    /// and weaker compression, 0 for libzstd's default.
    /// </summary>
    public ZstandardCodec(int level)
    {
        // libzstd's range: ZSTD_minCLevel() is -(128 KiB), ZSTD_maxCLevel() is 22.
        ArgumentOutOfRangeException.ThrowIfLessThan(level, -(1 << 17));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 22);
        Level = level;
    }

    /// <summary>Whether the native libzstd library could be loaded on this machine.</summary>
    public static bool IsAvailable => ZstdNative.IsAvailable;

    /// <summary>The compression level used by <see cref="Compress"/>.</summary>
    public int Level { get; }

    /// <inheritdoc />
    public override string Name => "zstandard";

    /// <inheritdoc />
    public override unsafe void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ZstdNative.Api zstd = ZstdNative.Functions;

        nuint bound = zstd.CompressBound((nuint)source.Length);
        if (zstd.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new AvroException("The block is too large for zstandard compression.");
        }

        Span<byte> output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* input = source)
        fixed (byte* target = output)
        {
            written = zstd.Compress(target, (nuint)output.Length, input, (nuint)source.Length, Level);
        }

        if (zstd.IsError(written) != 0)
        {
            throw new AvroException("zstandard compression failed: " + zstd.ErrorName(written));
        }

        destination.Advance((int)written);
    }

    /// <inheritdoc />
    public override unsafe void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedLength);
        ZstdNative.Api zstd = ZstdNative.Functions;

        IntPtr stream = zstd.CreateDStream();
        if (stream == IntPtr.Zero)
        {
            throw new OutOfMemoryException("libzstd could not create a decompression stream.");
        }

        try
        {
            Check(zstd, zstd.InitDStream(stream), 0);
            fixed (byte* input = source)
            {
                var inBuffer = new ZstdNative.Buffer { Data = input, Size = (nuint)source.Length };
                Decode(zstd, stream, &inBuffer, destination, maxDecompressedLength);
            }
        }
        finally
        {
            zstd.FreeDStream(stream);
        }
    }

    // The streaming API is used so frames that do not record their content size decode too, and so the
    // output limit is enforced while decoding rather than trusting a size in the frame header.
    private static unsafe void Decode(
        ZstdNative.Api zstd, IntPtr stream, ZstdNative.Buffer* input, IBufferWriter<byte> destination, int maxDecompressedLength)
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
                var outBuffer = new ZstdNative.Buffer { Data = &probe, Size = 1 };
                result = zstd.DecompressStream(stream, &outBuffer, input);
                Check(zstd, result, (long)input->Position);
                if (outBuffer.Position != 0)
                {
                    throw CodecErrors.TooLarge("zstandard", maxDecompressedLength, (long)input->Position);
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
                    var outBuffer = new ZstdNative.Buffer { Data = target, Size = (nuint)span.Length };
                    result = zstd.DecompressStream(stream, &outBuffer, input);
                    produced = outBuffer.Position;
                    outputFull = outBuffer.Position == outBuffer.Size;
                }

                Check(zstd, result, (long)input->Position);
                destination.Advance((int)produced);
                total += (long)produced;
            }

            bool inputDone = input->Position == input->Size;
            if (result == 0 && inputDone)
            {
                // The last frame is complete and fully flushed. A zero result mid-input means another frame follows.
                return;
            }

            if (inputDone && !outputFull)
            {
                throw new AvroFormatException("zstandard block ends inside a frame", (long)input->Position);
            }
        }
    }

    private static unsafe void Check(ZstdNative.Api zstd, nuint result, long position)
    {
        if (zstd.IsError(result) != 0)
        {
            throw new AvroFormatException("corrupt zstandard block: " + zstd.ErrorName(result), position);
        }
    }
}
