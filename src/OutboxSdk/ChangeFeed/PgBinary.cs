namespace OutboxSdk.ChangeFeed;

/// <summary>
/// The binary send formats of the scalar types: big-endian, with dates and times counted from 2000-01-01
/// (see the Postgres sources' *send functions; the formats are part of the wire protocol).
/// </summary>
internal static class PgBinary
{
    internal const long PostgresEpochTicks = 630822816000000000L; // 2000-01-01T00:00:00
    internal const int PostgresEpochDayNumber = 730119;            // DateOnly day number of 2000-01-01
    private const long TicksPerMicrosecond = 10;

    public static bool Boolean(ReadOnlySpan<byte> value) => value.Length == 1
        ? value[0] != 0
        : throw Length(value, "a boolean", "1");

    public static long Integer(ReadOnlySpan<byte> value) => value.Length switch
    {
        2 => BinaryPrimitives.ReadInt16BigEndian(value),
        4 => BinaryPrimitives.ReadInt32BigEndian(value),
        8 => BinaryPrimitives.ReadInt64BigEndian(value),
        _ => throw Length(value, "an integer", "2, 4 or 8"),
    };

    public static double Float(ReadOnlySpan<byte> value) => value.Length switch
    {
        4 => BinaryPrimitives.ReadSingleBigEndian(value),
        8 => BinaryPrimitives.ReadDoubleBigEndian(value),
        _ => throw Length(value, "a float", "4 or 8"),
    };

    public static Guid Uuid(ReadOnlySpan<byte> value) => value.Length == 16
        ? new Guid(value, bigEndian: true)
        : throw Length(value, "a uuid", "16");

    public static DateTime Timestamp(ReadOnlySpan<byte> value)
    {
        var micros = value.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(value) : throw Length(value, "a timestamp", "8");
        if (micros is long.MaxValue or long.MinValue)
        {
            throw new FormatException($"the timestamp is {(micros > 0 ? "" : "-")}infinity, which DateTime cannot hold");
        }

        var ticks = PostgresEpochTicks + (micros * TicksPerMicrosecond);
        return micros < (DateTime.MinValue.Ticks - PostgresEpochTicks) / TicksPerMicrosecond
            || micros > (DateTime.MaxValue.Ticks - PostgresEpochTicks) / TicksPerMicrosecond
            ? throw new OverflowException($"the timestamp ({micros} µs from 2000-01-01) is outside DateTime's years 1-9999")
            : new DateTime(ticks, DateTimeKind.Utc);
    }

    public static DateOnly Date(ReadOnlySpan<byte> value)
    {
        var days = value.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(value) : throw Length(value, "a date", "4");
        if (days is int.MaxValue or int.MinValue)
        {
            throw new FormatException($"the date is {(days > 0 ? "" : "-")}infinity, which DateOnly cannot hold");
        }

        var dayNumber = (long)PostgresEpochDayNumber + days;
        return dayNumber < DateOnly.MinValue.DayNumber || dayNumber > DateOnly.MaxValue.DayNumber
            ? throw new OverflowException($"the date ({days} days from 2000-01-01) is outside DateOnly's years 1-9999")
            : DateOnly.FromDayNumber((int)dayNumber);
    }

    public static TimeOnly Time(ReadOnlySpan<byte> value)
    {
        var micros = value.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(value) : throw Length(value, "a time", "8");
        return micros is < 0 or >= TimeSpan.TicksPerDay / TicksPerMicrosecond
            ? throw new FormatException($"the time ({micros} µs) is outside 00:00 to 23:59:59.999999; TimeOnly has no 24:00:00")
            : new TimeOnly(micros * TicksPerMicrosecond);
    }

    // see Postgres interval_send: int64 microseconds, int32 days, int32 months.
    public static TimeSpan Interval(ReadOnlySpan<byte> value)
    {
        if (value.Length != 16)
        {
            throw Length(value, "an interval", "16");
        }

        var micros = BinaryPrimitives.ReadInt64BigEndian(value);
        var days = BinaryPrimitives.ReadInt32BigEndian(value[8..]);
        var months = BinaryPrimitives.ReadInt32BigEndian(value[12..]);
        return PgDateTimeText.ToTimeSpan(months, days, micros);
    }

    private static FormatException Length(ReadOnlySpan<byte> value, string what, string expected) =>
        new($"{what} in binary format is {expected} bytes, not {value.Length}");
}
