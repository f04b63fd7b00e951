using System.Runtime.InteropServices;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// The few libzstd entry points the zstandard codec calls, bound at run time through <see cref="NativeLibrary"/>
/// so that several library file names can be tried (Debian ships only <c>libzstd.so.1</c> without the -dev
/// package) and a missing library is reported instead of failing at type load. Unmanaged function pointers
/// need no marshalling code, which keeps this trimming- and AOT-safe.
/// </summary>
internal static unsafe class ZstdNative
{
    private static readonly string[] LibraryNames =
    [
        "libzstd.so.1", "libzstd.so", "libzstd", "zstd", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll",
    ];

    private static readonly Lazy<Api?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public const string MissingLibraryMessage =
        "The zstandard codec needs the native libzstd library (Debian/Ubuntu: apt-get install libzstd1)";

    /// <summary>Whether libzstd could be loaded and exports every function used here.</summary>
    public static bool IsAvailable => Loaded.Value is not null;

    /// <summary>The bound functions; throws <see cref="AvroException"/> when libzstd is missing.</summary>
    public static Api Functions => Loaded.Value ?? throw new AvroException(MissingLibraryMessage);

    private static Api? Load()
    {
        foreach (string name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, typeof(ZstdNative).Assembly, null, out IntPtr handle))
            {
                continue;
            }

            try
            {
                return new Api(handle);
            }
            catch (EntryPointNotFoundException)
            {
                // Too old a libzstd (or an unrelated library of that name); try the next candidate.
                NativeLibrary.Free(handle);
            }
        }

        return null;
    }

    /// <summary>The libzstd functions, as unmanaged function pointers.</summary>
    internal sealed class Api
    {
        public Api(IntPtr library)
        {
            CompressBound = (delegate* unmanaged<nuint, nuint>)NativeLibrary.GetExport(library, "ZSTD_compressBound");
            Compress = (delegate* unmanaged<void*, nuint, void*, nuint, int, nuint>)NativeLibrary.GetExport(library, "ZSTD_compress");
            IsError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(library, "ZSTD_isError");
            GetErrorName = (delegate* unmanaged<nuint, byte*>)NativeLibrary.GetExport(library, "ZSTD_getErrorName");
            CreateDStream = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "ZSTD_createDStream");
            FreeDStream = (delegate* unmanaged<IntPtr, nuint>)NativeLibrary.GetExport(library, "ZSTD_freeDStream");
            InitDStream = (delegate* unmanaged<IntPtr, nuint>)NativeLibrary.GetExport(library, "ZSTD_initDStream");
            DecompressStream = (delegate* unmanaged<IntPtr, Buffer*, Buffer*, nuint>)NativeLibrary.GetExport(library, "ZSTD_decompressStream");
        }

        public delegate* unmanaged<nuint, nuint> CompressBound { get; }

        public delegate* unmanaged<void*, nuint, void*, nuint, int, nuint> Compress { get; }

        public delegate* unmanaged<nuint, uint> IsError { get; }

        public delegate* unmanaged<nuint, byte*> GetErrorName { get; }

        public delegate* unmanaged<IntPtr> CreateDStream { get; }

        public delegate* unmanaged<IntPtr, nuint> FreeDStream { get; }

        public delegate* unmanaged<IntPtr, nuint> InitDStream { get; }

        public delegate* unmanaged<IntPtr, Buffer*, Buffer*, nuint> DecompressStream { get; }

        /// <summary>The text libzstd gives for an error code.</summary>
        public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((IntPtr)GetErrorName(code)) ?? "unknown error";
    }

    /// <summary>
    /// ZSTD_inBuffer and ZSTD_outBuffer, which share one layout: a pointer, its size and the position reached.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Buffer
    {
        public void* Data;
        public nuint Size;
        public nuint Position;
    }
}
