namespace OutboxSdk.Avro.IO;

/// <summary>Zig-zag variable-length integers (see Avro spec, "Primitive Types" under "Binary Encoding").</summary>
internal static class VarInt
{
    public const int MaxIntBytes = 5;
    public const int MaxLongBytes = 10;

    public static int WriteLong(Span<byte> destination, long value)
    {
        var n = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (n >= 0x80)
        {
            destination[i++] = (byte)(n | 0x80);
            n >>= 7;
        }

        destination[i++] = (byte)n;
        return i;
    }

    public static int SizeOfLong(long value)
    {
        var n = (ulong)((value << 1) ^ (value >> 63));
        var size = 1;
        while (n >= 0x80)
        {
            n >>= 7;
            size++;
        }

        return size;
    }
}
