namespace OutboxSdk.ChangeFeed;

/// <summary>
/// The text output of timestamptz, date, time and interval under DateStyle=ISO and IntervalStyle=postgres
/// (see PostgreSQL docs 8.5.2 "Date/Time Output" and 8.5.5 "Interval Output").
/// </summary>
internal ref struct PgDateTimeText
{
    private const long MicrosPerDay = 86_400_000_000L;
    private readonly ReadOnlySpan<byte> _text;
    private int _at;

    private PgDateTimeText(ReadOnlySpan<byte> text)
    {
        _text = text;
        _at = 0;
    }

    /// <summary><c>2026-11-21 09:00:00.123456+00</c>, <c>…+05:30</c>, <c>…-03:00:15</c>; no offset is taken as UTC.</summary>
    public static DateTime Timestamp(ReadOnlySpan<byte> text)
    {
        RejectInfinity(text, "timestamp", "DateTime");
        var p = new PgDateTimeText(text);
        var date = p.DatePart();
        p.Expect((byte)' ');
        var time = p.TimePart(allowBeyondDay: false);
        long offsetSeconds = 0;
        if (p._at < text.Length && text[p._at] is (byte)'+' or (byte)'-')
        {
            var negative = text[p._at++] == '-';
            offsetSeconds = p.Number(2, 2) * 3600;
            if (p.TryTake((byte)':'))
            {
                offsetSeconds += p.Number(2, 2) * 60;
                if (p.TryTake((byte)':'))
                {
                    offsetSeconds += p.Number(2, 2);
                }
            }

            offsetSeconds = negative ? -offsetSeconds : offsetSeconds;
        }

        p.RejectEra("DateTime");
        p.End();
        var ticks = date.ToDateTime(TimeOnly.MinValue).Ticks + (time * 10) - (offsetSeconds * TimeSpan.TicksPerSecond);
        return ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
            ? throw new OverflowException("the timestamp in UTC is outside DateTime's years 1-9999")
            : new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary><c>2026-11-21</c>.</summary>
    public static DateOnly Date(ReadOnlySpan<byte> text)
    {
        RejectInfinity(text, "date", "DateOnly");
        var p = new PgDateTimeText(text);
        var date = p.DatePart();
        p.RejectEra("DateOnly");
        p.End();
        return date;
    }

    /// <summary><c>09:30:00</c>, <c>09:30:00.5</c>.</summary>
    public static TimeOnly Time(ReadOnlySpan<byte> text)
    {
        var p = new PgDateTimeText(text);
        var micros = p.TimePart(allowBeyondDay: false);
        p.End();
        return new TimeOnly(micros * 10);
    }

    /// <summary><c>1 day 02:03:04.5</c>, <c>-3 days +01:00:00</c>, <c>00:00:00.000001</c>, <c>1 year 2 mons</c> (an error).</summary>
    public static TimeSpan Interval(ReadOnlySpan<byte> text)
    {
        var p = new PgDateTimeText(text);
        long months = 0, days = 0, micros = 0;
        while (p._at < text.Length)
        {
            var negative = text[p._at] == '-';
            if (text[p._at] is (byte)'-' or (byte)'+')
            {
                p._at++;
            }

            var start = p._at;
            var number = p.Number(1, 10);
            if (p.TryTake((byte)':'))
            {
                p._at = start;
                var time = p.TimePart(allowBeyondDay: true);
                micros += negative ? -time : time;
            }
            else
            {
                p.Expect((byte)' ');
                var unit = p.Word();
                number = negative ? -number : number;
                switch (unit)
                {
                    case "year" or "years": months += number * 12; break;
                    case "mon" or "mons": months += number; break;
                    case "day" or "days": days += number; break;
                    default: throw new FormatException($"'{unit}' is not an interval unit of IntervalStyle postgres");
                }
            }

            p.TryTake((byte)' ');
        }

        return ToTimeSpan(months, days, micros);
    }

    internal static TimeSpan ToTimeSpan(long months, long days, long micros)
    {
        if (months != 0)
        {
            throw new FormatException($"the interval has {months} month(s), which have no fixed length, so no TimeSpan; store durations as days and times");
        }

        return TimeSpan.FromTicks(checked(((days * MicrosPerDay) + micros) * 10));
    }

    private DateOnly DatePart()
    {
        var year = (int)Number(4, 9);
        Expect((byte)'-');
        var month = (int)Number(2, 2);
        Expect((byte)'-');
        var day = (int)Number(2, 2);
        return year > 9999 ? throw new OverflowException($"the year {year} is beyond 9999, which .NET cannot hold")
            : month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || year < 1
                ? throw new FormatException($"{year}-{month}-{day} is not a date")
                : new DateOnly(year, month, day);
    }

    // Microseconds since midnight; hours beyond 23 only in intervals.
    private long TimePart(bool allowBeyondDay)
    {
        var hours = Number(2, allowBeyondDay ? 10 : 2);
        Expect((byte)':');
        var minutes = Number(2, 2);
        Expect((byte)':');
        var seconds = Number(2, 2);
        long fraction = 0;
        if (TryTake((byte)'.'))
        {
            var start = _at;
            fraction = Number(1, 6);
            for (var digits = _at - start; digits < 6; digits++)
            {
                fraction *= 10;
            }
        }

        if (minutes > 59 || seconds > 59 || (!allowBeyondDay && hours > 23))
        {
            throw new FormatException($"{hours}:{minutes}:{seconds} is not a time of day{(hours == 24 ? "; TimeOnly has no 24:00:00" : "")}");
        }

        return checked((((hours * 60) + minutes) * 60 + seconds) * 1_000_000 + fraction);
    }

    private long Number(int minDigits, int maxDigits)
    {
        long value = 0;
        var start = _at;
        while (_at < _text.Length && _text[_at] is >= (byte)'0' and <= (byte)'9' && _at - start < maxDigits)
        {
            value = (value * 10) + (_text[_at++] - '0');
        }

        return _at - start >= minDigits ? value : throw Unexpected($"{minDigits} or more digits");
    }

    private string Word()
    {
        var start = _at;
        while (_at < _text.Length && _text[_at] is >= (byte)'a' and <= (byte)'z')
        {
            _at++;
        }

        return Encoding.ASCII.GetString(_text[start.._at]);
    }

    private bool TryTake(byte c)
    {
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(byte c)
    {
        if (!TryTake(c))
        {
            throw Unexpected($"'{(char)c}'");
        }
    }

    private readonly void RejectEra(string type)
    {
        if (_text[_at..].SequenceEqual(" BC"u8))
        {
            throw new FormatException($"dates before the common era (BC) are outside {type}'s years 1-9999");
        }
    }

    private readonly void End()
    {
        if (_at != _text.Length)
        {
            throw Unexpected("the end");
        }
    }

    private readonly FormatException Unexpected(string expected) =>
        new($"'{Encoding.UTF8.GetString(_text)}' is not in the ISO format: expected {expected} at position {_at}");

    private static void RejectInfinity(ReadOnlySpan<byte> text, string what, string type)
    {
        if (text.SequenceEqual("infinity"u8) || text.SequenceEqual("-infinity"u8))
        {
            throw new FormatException($"the {what} is {Encoding.ASCII.GetString(text)}, which {type} cannot hold");
        }
    }
}
