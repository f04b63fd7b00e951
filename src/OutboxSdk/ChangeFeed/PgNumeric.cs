namespace OutboxSdk.ChangeFeed;

/// <summary>
/// The numeric binary format (Postgres numeric_send): int16 ndigits, int16 weight, uint16 sign, int16 dscale,
/// then ndigits base-10000 digits, most significant first; the value is Σ digit[i] · 10000^(weight − i).
/// </summary>
internal static class PgNumeric
{
    private const ushort Positive = 0x0000;
    private const ushort Negative = 0x4000;
    private const ushort NaN = 0xC000;
    private const ushort PositiveInfinity = 0xD000;
    private const ushort NegativeInfinity = 0xF000;

    public static decimal Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < 8)
        {
            throw new FormatException($"a numeric in binary format has an 8-byte header, but the value has {value.Length} bytes");
        }

        var count = BinaryPrimitives.ReadInt16BigEndian(value);
        var weight = BinaryPrimitives.ReadInt16BigEndian(value[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(value[4..]);
        var scale = BinaryPrimitives.ReadInt16BigEndian(value[6..]);
        switch (sign)
        {
            case NaN: throw new FormatException("numeric NaN has no System.Decimal value");
            case PositiveInfinity: throw new FormatException("numeric Infinity has no System.Decimal value");
            case NegativeInfinity: throw new FormatException("numeric -Infinity has no System.Decimal value");
            case not (Positive or Negative): throw new FormatException($"0x{sign:X4} is not a numeric sign");
        }

        if (count < 0 || value.Length != 8 + (2 * count))
        {
            throw new FormatException($"a numeric with {count} digits is {8 + (2 * count)} bytes, not {value.Length}");
        }

        // Accumulate the digits as an integer, then shift by the weight; checked arithmetic turns values beyond
        // System.Decimal into an OverflowException instead of a wrong number.
        decimal result = 0;
        for (var i = 0; i < count; i++)
        {
            var digit = BinaryPrimitives.ReadInt16BigEndian(value[(8 + (2 * i))..]);
            if (digit is < 0 or > 9999)
            {
                throw new FormatException($"{digit} is not a base-10000 digit");
            }

            result = checked((result * 10000) + digit);
        }

        for (var shift = weight - (count - 1); shift != 0; shift += shift > 0 ? -1 : 1)
        {
            result = shift > 0 ? checked(result * 10000) : result / 10000;
        }

        // Give the decimal the column's display scale, so 12.50 reads back as 12.50, not 12.5.
        if (scale is > 0 and <= 28 && result.Scale < scale)
        {
            result = decimal.Round(result + new decimal(0, 0, 0, false, (byte)scale), scale);
        }

        return sign == Negative ? -result : result;
    }
}
