using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using Shop.Orders;

namespace OutboxSdk.Serialization.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Generated_serializer_round_trips_and_matches_the_generic_reader()
    {
        var order = new OrderPlaced(Guid.NewGuid(), "c-1", 12.50m, new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero),
            [new OrderLine("book", 2, 5.25m)]) { Note = "door", Status = OrderStatus.Paid };
        var bytes = AvroSerializer.Serialize(order);
        var back = AvroSerializer.Deserialize<OrderPlaced>(bytes);
        Assert.Equal(order with { Lines = back.Lines }, back);
        Assert.Equal(order.Lines, back.Lines);

        var schema = AvroSchema.Parse(AvroSerializer.SchemaOf<OrderPlaced>());
        Assert.Equal(schema.ToCanonicalForm(), OrderPlacedCanonical());
        Assert.Equal(schema.Fingerprint64, AvroSerializer.FingerprintOf<OrderPlaced>());
        var generic = Assert.IsType<GenericRecord>(new GenericDatumReader(schema).Read(bytes));
        Assert.Equal("c-1", generic["CustomerId"]);
    }

    private static string OrderPlacedCanonical() => AvroSchema.Parse(AvroSerializer.SchemaOf<OrderPlaced>()).ToCanonicalForm();
}
