namespace OutboxSdk.ChangeFeed;

/// <summary>
/// Parses column values in the Postgres text output format and binary send format of the types the generated
/// DDL uses. Each method takes the format (<see cref="PgColumnKind.Text"/> or <see cref="PgColumnKind.Binary"/>)
/// and the bytes; a value the .NET type cannot hold (NaN numeric, infinity dates, 24:00 times, month
/// intervals) is a <see cref="FormatException"/> or <see cref="OverflowException"/>, never a silent substitute.
/// Text parsing expects the server defaults DateStyle=ISO and IntervalStyle=postgres, which pgoutput uses.
/// </summary>
public static class PgValue
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>boolean: text <c>t</c>/<c>f</c>; binary one byte.</summary>
    public static bool ReadBoolean(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Boolean(value) : PgText.Boolean(value);

    /// <summary>smallint or integer.</summary>
    public static int ReadInt32(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? checked((int)PgBinary.Integer(value)) : PgText.Int32(value);

    /// <summary>smallint, integer or bigint.</summary>
    public static long ReadInt64(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Integer(value) : PgText.Int64(value);

    /// <summary>real, including NaN and ±Infinity.</summary>
    public static float ReadSingle(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? (float)PgBinary.Float(value) : (float)PgText.Double(value);

    /// <summary>double precision (or real), including NaN and ±Infinity.</summary>
    public static double ReadDouble(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Float(value) : PgText.Double(value);

    /// <summary>numeric; NaN and ±Infinity have no <see cref="decimal"/> and are an error.</summary>
    public static decimal ReadNumeric(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgNumeric.Decode(value) : PgText.Numeric(value);

    /// <summary>text, varchar: UTF-8 in both formats (the database encoding must be UTF8).</summary>
    public static string ReadText(PgColumnKind format, ReadOnlySpan<byte> value)
    {
        _ = IsBinary(format);
        return StrictUtf8.GetString(value);
    }

    /// <summary>bytea: text in hex format (<c>\x0a1b</c>, the server default bytea_output); binary raw.</summary>
    public static byte[] ReadBytes(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? value.ToArray() : PgText.Bytea(value);

    /// <summary>uuid: text <c>xxxxxxxx-xxxx-…</c>; binary 16 bytes in RFC 4122 (big-endian) order.</summary>
    public static Guid ReadUuid(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Uuid(value) : PgText.Uuid(value);

    /// <summary>timestamptz as an instant with offset zero; text may carry any offset (<c>+05:30</c>, <c>-03</c>).</summary>
    public static DateTimeOffset ReadDateTimeOffset(PgColumnKind format, ReadOnlySpan<byte> value) =>
        new(ReadDateTime(format, value).Ticks, TimeSpan.Zero);

    /// <summary>timestamptz as a UTC <see cref="DateTime"/>; infinity is an error.</summary>
    public static DateTime ReadDateTime(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Timestamp(value) : PgDateTimeText.Timestamp(value);

    /// <summary>date; infinity and BC dates are an error.</summary>
    public static DateOnly ReadDate(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Date(value) : PgDateTimeText.Date(value);

    /// <summary>time (without time zone); 24:00:00, which Postgres allows, is an error.</summary>
    public static TimeOnly ReadTime(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Time(value) : PgDateTimeText.Time(value);

    /// <summary>interval as a <see cref="TimeSpan"/>: a day is 24 hours; months and years have no fixed length and are an error.</summary>
    public static TimeSpan ReadInterval(PgColumnKind format, ReadOnlySpan<byte> value) =>
        IsBinary(format) ? PgBinary.Interval(value) : PgDateTimeText.Interval(value);

    /// <summary>An enum stored as text: the value must be exactly one of the member names (no numbers, no case folding).</summary>
    public static TEnum ReadEnum<TEnum>(PgColumnKind format, ReadOnlySpan<byte> value)
        where TEnum : struct, Enum
    {
        var symbol = ReadText(format, value);
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (name == symbol)
            {
                return Enum.Parse<TEnum>(name);
            }
        }

        throw new FormatException($"'{symbol}' is not a member of {typeof(TEnum).Name} ({string.Join(", ", Enum.GetNames<TEnum>())})");
    }

    /// <summary>
    /// A one-dimensional array: text <c>{a,"b c",NULL}</c> or the binary array format. Each element is parsed
    /// by <paramref name="element"/> in the same format; a NULL element is <c>default</c> when
    /// <paramref name="elementsNullable"/>, otherwise an error.
    /// </summary>
    public static List<T> ReadArray<T>(PgColumnKind format, ReadOnlySpan<byte> value, PgValueParser<T> element, bool elementsNullable)
    {
        ArgumentNullException.ThrowIfNull(element);
        return IsBinary(format) ? PgArray.Binary(value, element, elementsNullable) : PgArray.Text(value, element, elementsNullable);
    }

    private static bool IsBinary(PgColumnKind format) => format switch
    {
        PgColumnKind.Binary => true,
        PgColumnKind.Text => false,
        _ => throw new ArgumentException($"{format} is not a value format; only Text and Binary columns carry values", nameof(format)),
    };
}
