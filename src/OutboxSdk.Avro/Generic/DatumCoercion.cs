namespace OutboxSdk.Avro.Generic;

/// <summary>
/// The .NET values a generic datum of a numeric or bytes type may hold when written: the exact type, or a
/// narrower one the spec's promotions allow (int to long, float or double; long to float or double; float to
/// double). Shared by the binary and JSON writers so both accept exactly the same values.
/// </summary>
internal static class DatumCoercion
{
    public static bool TryLong(object? datum, out long value)
    {
        (var ok, value) = datum switch { long l => (true, l), int i => (true, (long)i), _ => (false, 0L) };
        return ok;
    }

    public static bool TryFloat(object? datum, out float value)
    {
        (var ok, value) = datum switch { float f => (true, f), int i => (true, (float)i), long l => (true, (float)l), _ => (false, 0f) };
        return ok;
    }

    public static bool TryDouble(object? datum, out double value)
    {
        (var ok, value) = datum switch
        {
            double d => (true, d),
            float f => (true, (double)f),
            int i => (true, (double)i),
            long l => (true, (double)l),
            _ => (false, 0d),
        };
        return ok;
    }

    public static bool TryBytes(object? datum, out ReadOnlyMemory<byte> value)
    {
        (var ok, value) = datum switch { byte[] b => (true, b), ReadOnlyMemory<byte> m => (true, m), _ => (false, default) };
        return ok;
    }
}
