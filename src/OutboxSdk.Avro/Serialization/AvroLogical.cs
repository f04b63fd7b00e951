using System.Buffers.Binary;
using System.Buffers.Text;
using OutboxSdk.Avro.IO;

namespace OutboxSdk.Avro.Serialization;

/// <summary>
/// Conversions between .NET types and Avro logical types, called by generated serializers (see docs/type-mapping.md).
/// Values a .NET type cannot hold are an <see cref="AvroFormatException"/> when reading; values the schema cannot
/// hold are an <see cref="AvroTypeException"/> when writing.
/// </summary>
public static class AvroLogical
{
    private const long UnixEpochTicks = 621355968000000000L;
    private const int UnixEpochDayNumber = 719162;
    private const long TicksPerMicrosecond = 10;

    /// <summary>A <see cref="Guid"/> as the uuid logical type on string: its 36-character RFC 4122 text.</summary>
    public static void WriteUuid(AvroBinaryWriter writer, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        writer.WriteBytes(text);
    }

    /// <summary>Reads a uuid written as text.</summary>
    public static Guid ReadUuid(ref AvroBinaryReader reader)
    {
        var start = reader.Position;
        var text = reader.ReadBytesSpan();
        return Utf8Parser.TryParse(text, out Guid value, out var consumed, 'D') && consumed == text.Length
            ? value
            : throw reader.Error("a uuid is not in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", start);
    }

    /// <summary>
    /// Microseconds since the Unix epoch, UTC. A <see cref="DateTimeKind.Local"/> value is converted to UTC; an
    /// <see cref="DateTimeKind.Unspecified"/> one is taken as UTC. The 100 ns remainder is dropped (rounded down).
    /// </summary>
    public static long ToTimestampMicros(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return Math.DivRem(utc.Ticks - UnixEpochTicks, TicksPerMicrosecond) is var (q, r) && r < 0 ? q - 1 : q;
    }

    /// <summary>Microseconds since the Unix epoch of the instant <paramref name="value"/>; the offset is not kept.</summary>
    public static long ToTimestampMicros(DateTimeOffset value) => ToTimestampMicros(value.UtcDateTime);

    /// <summary>Reads timestamp-micros as a UTC <see cref="DateTime"/>.</summary>
    public static DateTime ReadDateTime(ref AvroBinaryReader reader)
    {
        var start = reader.Position;
        var micros = reader.ReadLong();
        return TryTicks(micros, UnixEpochTicks, DateTime.MaxValue.Ticks, out var ticks)
            ? new DateTime(ticks, DateTimeKind.Utc)
            : throw reader.Error($"the timestamp {micros} µs is outside the range of DateTime", start);
    }

    /// <summary>Reads timestamp-micros as a <see cref="DateTimeOffset"/> with offset zero.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref AvroBinaryReader reader) => new(ReadDateTime(ref reader));

    /// <summary>Days since the Unix epoch (the date logical type).</summary>
    public static int ToDate(DateOnly value) => value.DayNumber - UnixEpochDayNumber;

    /// <summary>Reads the date logical type.</summary>
    public static DateOnly ReadDate(ref AvroBinaryReader reader)
    {
        var start = reader.Position;
        var days = (long)reader.ReadInt() + UnixEpochDayNumber;
        return days >= DateOnly.MinValue.DayNumber && days <= DateOnly.MaxValue.DayNumber
            ? DateOnly.FromDayNumber((int)days)
            : throw reader.Error($"the date {days - UnixEpochDayNumber} is outside the range of DateOnly", start);
    }

    /// <summary>Microseconds after midnight (the time-micros logical type); the 100 ns remainder is dropped.</summary>
    public static long ToTimeMicros(TimeOnly value) => value.Ticks / TicksPerMicrosecond;

    /// <summary>Reads time-micros.</summary>
    public static TimeOnly ReadTime(ref AvroBinaryReader reader)
    {
        var start = reader.Position;
        var micros = reader.ReadLong();
        return micros >= 0 && micros < TimeSpan.TicksPerDay / TicksPerMicrosecond
            ? new TimeOnly(micros * TicksPerMicrosecond)
            : throw reader.Error($"the time {micros} µs is not within a day", start);
    }

    /// <summary>A <see cref="TimeSpan"/> as a long count of microseconds; the 100 ns remainder is dropped (toward zero).</summary>
    public static long ToMicros(TimeSpan value) => value.Ticks / TicksPerMicrosecond;

    /// <summary>Reads a long count of microseconds as a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan ReadTimeSpan(ref AvroBinaryReader reader)
    {
        var start = reader.Position;
        var micros = reader.ReadLong();
        return micros >= TimeSpan.MinValue.Ticks / TicksPerMicrosecond && micros <= TimeSpan.MaxValue.Ticks / TicksPerMicrosecond
            ? TimeSpan.FromTicks(micros * TicksPerMicrosecond)
            : throw reader.Error($"the duration {micros} µs is outside the range of TimeSpan", start);
    }

    /// <summary>
    /// A <see cref="decimal"/> as the decimal logical type on bytes: the unscaled value at
    /// <paramref name="scale"/>, two's-complement big-endian, as few bytes as hold it. A value with more digits
    /// after the point than <paramref name="scale"/>, or more digits than <paramref name="precision"/>, is an
    /// <see cref="AvroTypeException"/>: nothing is rounded silently.
    /// </summary>
    public static void WriteDecimal(AvroBinaryWriter writer, decimal value, int precision, int scale, string member)
    {
        var unscaled = DecimalMath.ToUnscaled(value, precision, scale, member);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(bytes, unscaled);
        // see Avro spec, "Decimal": minimal two's complement; drop sign-extension bytes.
        var start = 0;
        while (start < 15 && ((bytes[start] == 0x00 && bytes[start + 1] < 0x80) || (bytes[start] == 0xFF && bytes[start + 1] >= 0x80)))
        {
            start++;
        }

        writer.WriteBytes(bytes[start..]);
    }

    /// <summary>Reads the decimal logical type on bytes at <paramref name="scale"/>.</summary>
    public static decimal ReadDecimal(ref AvroBinaryReader reader, int scale)
    {
        var start = reader.Position;
        var bytes = reader.ReadBytesSpan();
        return DecimalMath.TryFromUnscaled(bytes, scale, out var value)
            ? value
            : throw reader.Error($"a decimal of {bytes.Length} bytes at scale {scale} does not fit System.Decimal", start);
    }

    private static bool TryTicks(long micros, long epochTicks, long maxTicks, out long ticks)
    {
        ticks = 0;
        if (micros > (maxTicks - epochTicks) / TicksPerMicrosecond || micros < -epochTicks / TicksPerMicrosecond)
        {
            return false;
        }

        ticks = epochTicks + (micros * TicksPerMicrosecond);
        return true;
    }
}
