using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// zstd contexts kept per thread: creating one costs more than coding a 64 KiB block (zstd's own advice is to reuse
/// them), and a context is not thread-safe, while codecs must be. Freed when their thread ends.
/// </summary>
internal static unsafe class ZstdContexts
{
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static DecompressionContext? t_decompression;

    /// <summary>This thread's compressor, at <paramref name="level"/>.</summary>
    public static Compressor Compressor(int level)
    {
        Compressor? compressor = t_compressor;
        if (compressor is null)
        {
            t_compressor = compressor = new Compressor(level);
        }
        else if (compressor.Level != level)
        {
            compressor.Level = level;
        }

        return compressor;
    }

    /// <summary>This thread's decompression context; the caller resets it before use.</summary>
    public static ZSTD_DCtx_s* Decompression() => (t_decompression ??= new DecompressionContext()).Context;

    private sealed class DecompressionContext
    {
        public DecompressionContext()
        {
            Context = Methods.ZSTD_createDCtx();
            if (Context == null)
            {
                throw new OutOfMemoryException("zstd could not create a decompression context.");
            }
        }

        ~DecompressionContext() => Methods.ZSTD_freeDCtx(Context);

        public ZSTD_DCtx_s* Context { get; }
    }
}
