using System.Buffers.Text;

namespace OutboxSdk.ChangeFeed;

/// <summary>The text output formats of the scalar types (see PostgreSQL docs, chapter 8, each type's "output").</summary>
internal static class PgText
{
    public static bool Boolean(ReadOnlySpan<byte> value) => value switch
    {
        [(byte)'t'] => true,
        [(byte)'f'] => false,
        _ when value.SequenceEqual("true"u8) => true,
        _ when value.SequenceEqual("false"u8) => false,
        _ => throw new FormatException("a boolean is 't' or 'f'"),
    };

    public static int Int32(ReadOnlySpan<byte> value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Invalid(value, "a 32-bit integer");

    public static long Int64(ReadOnlySpan<byte> value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Invalid(value, "a 64-bit integer");

    // Postgres writes NaN, Infinity and -Infinity, which are the invariant culture's symbols too.
    public static double Double(ReadOnlySpan<byte> value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Invalid(value, "a floating-point number");

    public static decimal Numeric(ReadOnlySpan<byte> value)
    {
        if (value.SequenceEqual("NaN"u8) || value.EndsWith("Infinity"u8))
        {
            throw new FormatException($"numeric {Encoding.UTF8.GetString(value)} has no System.Decimal value");
        }

        return decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Invalid(value, "a numeric within System.Decimal's range");
    }

    public static Guid Uuid(ReadOnlySpan<byte> value) =>
        Utf8Parser.TryParse(value, out Guid result, out var consumed, 'D') && consumed == value.Length
            ? result
            : throw Invalid(value, "a uuid");

    // see PostgreSQL docs 8.4.1: the hex format is "\x" then two hex digits per byte (the default bytea_output).
    public static byte[] Bytea(ReadOnlySpan<byte> value)
    {
        if (value.Length < 2 || value[0] != '\\' || value[1] != 'x' || value.Length % 2 != 0)
        {
            throw new FormatException("bytea text must be in hex format ('\\x…'); set bytea_output = 'hex' (the default)");
        }

        var result = new byte[(value.Length - 2) / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (byte)((Hex(value[2 + (2 * i)]) << 4) | Hex(value[3 + (2 * i)]));
        }

        return result;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => throw new FormatException($"'{(char)c}' is not a hex digit"),
    };

    public static FormatException Invalid(ReadOnlySpan<byte> value, string expected) =>
        new($"'{Encoding.UTF8.GetString(value)}' is not {expected}");
}
