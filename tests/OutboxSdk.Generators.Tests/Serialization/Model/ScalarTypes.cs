using OutboxSdk;

namespace Serial.Scalars;

/// <summary>Every scalar mapping once, not nullable.</summary>
[OutboxMessage("serial.scalars")]
public partial record AllScalars(
    bool Flag,
    int Count,
    long Big,
    float Ratio,
    double Measure,
    string Text,
    byte[] Blob,
    ReadOnlyMemory<byte> Memory,
    Guid Id,
    DateTime At,
    DateTimeOffset AtOffset,
    DateOnly Day,
    TimeOnly Clock,
    TimeSpan Elapsed,
    [property: AvroDecimal(9, 2)] decimal Amount,
    Priority Priority);

/// <summary>An enum without a default.</summary>
public enum Priority
{
    Low,
    Normal,
    High,
}

/// <summary>Every scalar mapping once, nullable: value types through Nullable&lt;T&gt;, references through '?'.</summary>
[OutboxMessage("serial.nullable-scalars")]
public partial class NullableScalars
{
    public bool? Flag { get; init; }

    public int? Count { get; init; }

    public long? Big { get; init; }

    public float? Ratio { get; init; }

    public double? Measure { get; init; }

    public string? Text { get; init; }

    public byte[]? Blob { get; init; }

    public ReadOnlyMemory<byte>? Memory { get; init; }

    public Guid? Id { get; init; }

    public DateTime? At { get; init; }

    public DateTimeOffset? AtOffset { get; init; }

    public DateOnly? Day { get; init; }

    public TimeOnly? Clock { get; init; }

    public TimeSpan? Elapsed { get; init; }

    [AvroDecimal(9, 2)]
    public decimal? Amount { get; init; }

    public Priority? Priority { get; init; }
}

/// <summary>Decimals at several precisions and scales, for edge values.</summary>
[OutboxMessage("serial.decimals")]
public partial record Decimals
{
    [AvroDecimal(5, 2)]
    public decimal Small { get; init; }

    [AvroDecimal(28, 0)]
    public decimal Whole { get; init; }

    [AvroDecimal(28, 28)]
    public decimal Fraction { get; init; }

    /// <summary>No [AvroDecimal]: mapped as decimal(28, 10) with warning OBX1005, silenced here as users would.</summary>
#pragma warning disable OBX1005
    public decimal Defaulted { get; init; }
#pragma warning restore OBX1005
}

/// <summary>Timestamps of every kind, to check what is kept.</summary>
[OutboxMessage("serial.times")]
public partial record Times(DateTime At, DateTimeOffset AtOffset, TimeOnly Clock, TimeSpan Elapsed, DateOnly Day);
