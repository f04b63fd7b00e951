using System.Text.Json.Serialization;
using OutboxSdk;

namespace OutboxSdk.Benchmarks;

/// <summary>A typical ten-field outbox message, serialized by the generated Avro codec and by STJ's source generator.</summary>
[OutboxMessage("bench.order-shipped")]
public sealed partial record OrderShipped(
    Guid OrderId,
    string CustomerId,
    long Sequence,
    int Parcels,
    double WeightKg,
    [property: AvroDecimal(18, 2)] decimal Total,
    DateTimeOffset ShippedAt,
    bool Express,
    string? TrackingNote,
    ShippingCarrier Carrier)
{
    public static OrderShipped Sample { get; } = new(
        Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), "customer-1042", 918_273_645, 3, 12.75, 1249.90m,
        new DateTimeOffset(2026, 11, 21, 9, 30, 15, TimeSpan.Zero), Express: true, "leave at the back door", ShippingCarrier.Dhl);
}

/// <summary>The carrier of a shipment.</summary>
public enum ShippingCarrier
{
    Ups,
    Dhl,
    Fedex,
}

/// <summary>System.Text.Json's source-generated metadata and fast-path serializer for the same type.</summary>
[JsonSerializable(typeof(OrderShipped))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
