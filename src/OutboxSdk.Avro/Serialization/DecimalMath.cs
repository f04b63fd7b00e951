using System.Buffers.Binary;

namespace OutboxSdk.Avro.Serialization;

/// <summary>Exact conversion between <see cref="decimal"/> and unscaled integers at a fixed scale.</summary>
internal static class DecimalMath
{
    private static readonly Int128[] PowersOfTen = BuildPowers();

    public static Int128 ToUnscaled(decimal value, int precision, int scale, string member)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        var valueScale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;

        if (valueScale > scale)
        {
            var divisor = PowersOfTen[valueScale - scale];
            var quotient = Int128.DivRem(mantissa, divisor);
            if (quotient.Remainder != 0)
            {
                throw new AvroTypeException(member, $"{value} has more than {scale} digits after the point, the scale of its decimal schema");
            }

            mantissa = quotient.Quotient;
        }
        else if (valueScale < scale)
        {
            var factor = PowersOfTen[scale - valueScale];
            if (mantissa > Int128.MaxValue / factor)
            {
                throw new AvroTypeException(member, $"{value} needs more than {precision} digits at scale {scale}");
            }

            mantissa *= factor;
        }

        if (mantissa >= PowersOfTen[Math.Min(precision, 38)])
        {
            throw new AvroTypeException(member, $"{value} needs more than {precision} digits at scale {scale}, the precision of its decimal schema");
        }

        return negative ? -mantissa : mantissa;
    }

    public static bool TryFromUnscaled(ReadOnlySpan<byte> bigEndian, int scale, out decimal value)
    {
        value = 0;
        if (bigEndian.IsEmpty || bigEndian.Length > 16 || scale is < 0 or > 28)
        {
            return bigEndian.IsEmpty && scale is >= 0 and <= 28;
        }

        Span<byte> padded = stackalloc byte[16];
        padded.Fill(bigEndian[0] >= 0x80 ? (byte)0xFF : (byte)0x00);
        bigEndian.CopyTo(padded[(16 - bigEndian.Length)..]);
        var unscaled = BinaryPrimitives.ReadInt128BigEndian(padded);
        var negative = unscaled < 0;
        var magnitude = negative ? -(UInt128)unscaled : (UInt128)unscaled;
        if (magnitude >> 96 != 0)
        {
            return false;
        }

        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
        return true;
    }

    private static Int128[] BuildPowers()
    {
        var powers = new Int128[39];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
