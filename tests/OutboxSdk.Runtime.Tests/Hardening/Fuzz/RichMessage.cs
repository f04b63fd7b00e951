using OutboxSdk;

namespace Hardening.Tests.Fuzz;

public enum RichKind
{
    Small,
    Large,
    Odd,
}

public sealed record RichLine(string Sku, int Quantity, [property: AvroDecimal(9, 2)] decimal Price);

/// <summary>A message that reaches every kind of Avro decoding: logical types, unions, arrays, maps, nested records, enums.</summary>
[OutboxMessage("hardening.rich")]
public sealed partial record RichMessage(
    [property: PartitionKey] string Id,
    Guid Uuid,
    long Long,
    int Int,
    double Double,
    float Float,
    bool Flag,
    [property: AvroDecimal(18, 4)] decimal Amount,
    DateTime At,
    DateTimeOffset Offset,
    DateOnly Day,
    TimeOnly Time,
    TimeSpan Span,
    byte[] Bytes,
    RichKind Kind,
    string? Note,
    int? MaybeInt,
    List<RichLine> Lines,
    Dictionary<string, long> Counts,
    RichLine? Extra,
    List<string?> Tags)
{
    public static RichMessage Sample(int seed) => new(
        "id-" + seed, new Guid(seed, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 1L << 40, -seed, 2.5, 1.25f, seed % 2 == 0,
        12345.6789m, new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        new DateOnly(2026, 11, 21), new TimeOnly(13, 14, 15), TimeSpan.FromMinutes(seed), [1, 2, 3, (byte)seed], (RichKind)(seed % 3),
        seed % 2 == 0 ? null : "note é ü", seed % 2 == 0 ? seed : null,
        [new RichLine("sku-1", 2, 9.99m), new RichLine("sku-2", 1, 0.5m)], new() { ["a"] = 1, ["bb"] = -2 },
        seed % 2 == 0 ? new RichLine("x", 1, 1m) : null, ["t1", null, "t3"]);
}
