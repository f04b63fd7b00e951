namespace OutboxSdk.Avro.Schema;

/// <summary>The logical types of Avro 1.12 (see Avro spec, "Logical Types").</summary>
public enum LogicalTypeKind
{
    /// <summary>Arbitrary-precision signed decimal on bytes or fixed: unscaled two's-complement big-endian.</summary>
    Decimal,
    /// <summary>RFC 4122 UUID on string (text form) or fixed(16) (the 16 bytes in network order).</summary>
    Uuid,
    /// <summary>Days since the Unix epoch, on int.</summary>
    Date,
    /// <summary>Milliseconds after midnight, on int.</summary>
    TimeMillis,
    /// <summary>Microseconds after midnight, on long.</summary>
    TimeMicros,
    /// <summary>UTC milliseconds since the Unix epoch, on long.</summary>
    TimestampMillis,
    /// <summary>UTC microseconds since the Unix epoch, on long.</summary>
    TimestampMicros,
    /// <summary>UTC nanoseconds since the Unix epoch, on long.</summary>
    TimestampNanos,
    /// <summary>Local (time-zone free) milliseconds since 1970-01-01T00:00, on long.</summary>
    LocalTimestampMillis,
    /// <summary>Local microseconds since 1970-01-01T00:00, on long.</summary>
    LocalTimestampMicros,
    /// <summary>Local nanoseconds since 1970-01-01T00:00, on long.</summary>
    LocalTimestampNanos,
    /// <summary>Months, days and milliseconds as three little-endian unsigned ints, on fixed(12).</summary>
    Duration,
}

/// <summary>
/// A valid logical type annotation. A <c>logicalType</c> that is unknown or invalid for its underlying type is,
/// as the specification requires, ignored: the schema then has no <see cref="AvroSchema.LogicalType"/> and the
/// attribute is kept among its <see cref="AvroSchema.Properties"/>.
/// </summary>
public sealed record LogicalType
{
    private LogicalType(LogicalTypeKind kind, string name, int precision = 0, int scale = 0)
    {
        Kind = kind;
        Name = name;
        Precision = precision;
        Scale = scale;
    }

    /// <summary>Which logical type.</summary>
    public LogicalTypeKind Kind { get; }

    /// <summary>The <c>logicalType</c> attribute's value, for example <c>timestamp-micros</c>.</summary>
    public string Name { get; }

    /// <summary>For decimal: the maximum number of digits.</summary>
    public int Precision { get; }

    /// <summary>For decimal: the number of digits to the right of the point.</summary>
    public int Scale { get; }

    /// <summary>A decimal logical type.</summary>
    public static LogicalType Decimal(int precision, int scale) => new(LogicalTypeKind.Decimal, "decimal", precision, scale);

    /// <summary>uuid.</summary>
    public static LogicalType Uuid { get; } = new(LogicalTypeKind.Uuid, "uuid");

    /// <summary>date.</summary>
    public static LogicalType Date { get; } = new(LogicalTypeKind.Date, "date");

    /// <summary>time-millis.</summary>
    public static LogicalType TimeMillis { get; } = new(LogicalTypeKind.TimeMillis, "time-millis");

    /// <summary>time-micros.</summary>
    public static LogicalType TimeMicros { get; } = new(LogicalTypeKind.TimeMicros, "time-micros");

    /// <summary>timestamp-millis.</summary>
    public static LogicalType TimestampMillis { get; } = new(LogicalTypeKind.TimestampMillis, "timestamp-millis");

    /// <summary>timestamp-micros.</summary>
    public static LogicalType TimestampMicros { get; } = new(LogicalTypeKind.TimestampMicros, "timestamp-micros");

    /// <summary>timestamp-nanos.</summary>
    public static LogicalType TimestampNanos { get; } = new(LogicalTypeKind.TimestampNanos, "timestamp-nanos");

    /// <summary>local-timestamp-millis.</summary>
    public static LogicalType LocalTimestampMillis { get; } = new(LogicalTypeKind.LocalTimestampMillis, "local-timestamp-millis");

    /// <summary>local-timestamp-micros.</summary>
    public static LogicalType LocalTimestampMicros { get; } = new(LogicalTypeKind.LocalTimestampMicros, "local-timestamp-micros");

    /// <summary>local-timestamp-nanos.</summary>
    public static LogicalType LocalTimestampNanos { get; } = new(LogicalTypeKind.LocalTimestampNanos, "local-timestamp-nanos");

    /// <summary>duration.</summary>
    public static LogicalType Duration { get; } = new(LogicalTypeKind.Duration, "duration");

    /// <summary>
    /// The logical type that <paramref name="name"/> denotes on the underlying <paramref name="type"/>, or null
    /// when the name is unknown or the annotation is invalid there (see Avro spec, "Logical Types": such
    /// annotations are ignored).
    /// </summary>
    internal static LogicalType? Resolve(string name, AvroType type, int fixedSize, int? precision, int? scale)
    {
        switch (name)
        {
            case "decimal":
                return ResolveDecimal(type, fixedSize, precision, scale);
            case "uuid":
                return type == AvroType.String || (type == AvroType.Fixed && fixedSize == 16) ? Uuid : null;
            case "date":
                return type == AvroType.Int ? Date : null;
            case "time-millis":
                return type == AvroType.Int ? TimeMillis : null;
            case "duration":
                return type == AvroType.Fixed && fixedSize == 12 ? Duration : null;
        }

        if (type != AvroType.Long)
        {
            return null;
        }

        return name switch
        {
            "time-micros" => TimeMicros,
            "timestamp-millis" => TimestampMillis,
            "timestamp-micros" => TimestampMicros,
            "timestamp-nanos" => TimestampNanos,
            "local-timestamp-millis" => LocalTimestampMillis,
            "local-timestamp-micros" => LocalTimestampMicros,
            "local-timestamp-nanos" => LocalTimestampNanos,
            _ => null,
        };
    }

    // see Avro spec, "Decimal": precision > 0, 0 <= scale <= precision, and a fixed must be able to hold it.
    private static LogicalType? ResolveDecimal(AvroType type, int fixedSize, int? precision, int? scale)
    {
        if (type is not (AvroType.Bytes or AvroType.Fixed) || precision is not > 0)
        {
            return null;
        }

        var s = scale ?? 0;
        if (s < 0 || s > precision)
        {
            return null;
        }

        if (type == AvroType.Fixed && precision > MaxDecimalPrecision(fixedSize))
        {
            return null;
        }

        return Decimal(precision.Value, s);
    }

    /// <summary>
    /// floor(log10(2^(8n-1) - 1)): the most decimal digits a signed n-byte integer always holds. No power of ten
    /// lies between 2^k - 1 and 2^k, so this is floor(k * log10(2)); exact for small sizes, and computed without
    /// big integers so that a hostile size costs nothing.
    /// </summary>
    internal static long MaxDecimalPrecision(int fixedSize)
    {
        if (fixedSize <= 0)
        {
            return 0;
        }

        var bits = (8L * fixedSize) - 1;
        if (bits <= 512)
        {
            var max = System.Numerics.BigInteger.Pow(2, (int)bits) - 1;
            return max.ToString(System.Globalization.CultureInfo.InvariantCulture).Length - 1;
        }

        return (long)Math.Floor(bits * Math.Log10(2));
    }
}
