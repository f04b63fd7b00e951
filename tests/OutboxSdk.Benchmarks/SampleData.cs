using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Benchmarks;

/// <summary>An order-like record: strings, a long timestamp, a decimal, a union and an array of nested records.</summary>
internal static class SampleData
{
    public static readonly RecordSchema Schema = (RecordSchema)AvroSchema.Parse("""
        {"type":"record","name":"OrderPlaced","namespace":"bench","fields":[
          {"name":"orderId","type":{"type":"string","logicalType":"uuid"}},
          {"name":"customerId","type":"string"},
          {"name":"placedAt","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"total","type":"double"},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
            {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":"double"}]}}}
        ]}
        """);

    private static readonly RecordSchema LineSchema = (RecordSchema)((ArraySchema)Schema.GetField("lines")!.Schema).Items;

    public static GenericRecord Order(int i) => new(Schema)
    {
        ["orderId"] = new Guid(i, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8).ToString(),
        ["customerId"] = "customer-" + (i % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["placedAt"] = 1_700_000_000_000_000L + i,
        ["total"] = 99.95 + i,
        ["note"] = i % 3 == 0 ? null : "leave at the door",
        ["lines"] = new List<object?>
        {
            new GenericRecord(LineSchema) { ["sku"] = "SKU-1", ["quantity"] = 1 + (i % 5), ["price"] = 19.99 },
            new GenericRecord(LineSchema) { ["sku"] = "SKU-22", ["quantity"] = 2, ["price"] = 5.5 },
        },
    };
}
