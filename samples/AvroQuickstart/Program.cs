// A tour of OutboxSdk.Avro: parse a schema, write and read a container file, encode a single object,
// read old data with a newer schema, and check that the new schema is compatible.
using System.Buffers;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Container;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

const string V1Fields = """
      {"name":"orderId","type":{"type":"string","logicalType":"uuid"}},
      {"name":"customerId","type":"string"},
      {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
      {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
        {"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}}
    """;
var v1 = (RecordSchema)AvroSchema.Parse($$"""{"type":"record","name":"OrderPlaced","namespace":"shop.orders","fields":[{{V1Fields}}]}""");
Console.WriteLine($"schema      {v1.FullName}");
Console.WriteLine($"canonical   {v1.ToCanonicalForm()}");
Console.WriteLine($"fingerprint {v1.Fingerprint64} (CRC-64-AVRO)");

var line = (RecordSchema)((ArraySchema)v1.GetField("lines")!.Schema).Items;
var order = new GenericRecord(v1)
{
    ["orderId"] = Guid.NewGuid().ToString(),
    ["customerId"] = "customer-42",
    ["total"] = new byte[] { 0x30, 0x39 }, // 12345 unscaled = 123.45
    ["lines"] = new List<object?> { NewLine("book", 2), NewLine("pen", 10) },
};

// A container file, deflate-compressed, read back block by block.
var path = Path.Combine(Path.GetTempPath(), "orders.avro");
using (var writer = new AvroContainerWriter(File.Create(path), v1, AvroCodecs.Deflate))
{
    for (var i = 0; i < 1000; i++)
    {
        writer.Append(order);
    }
}

using (var reader = AvroContainerReader.Open(File.OpenRead(path)))
{
    Console.WriteLine($"container   {path}: {reader.ReadAll().Count()} orders, codec {reader.Header.Codec.Name}");
}

// Single-object encoding: C3 01, the fingerprint, the datum.
var message = new ArrayBufferWriter<byte>();
SingleObjectEncoding.WriteHeader(message, v1);
GenericDatumWriter.Write(v1, order, message);
Console.WriteLine($"message     {message.WrittenCount} bytes, starts {Convert.ToHexString(message.WrittenSpan[..10])}");

// Version 2 adds an optional field: old data still reads, and the registry rule BACKWARD holds.
var v2 = AvroSchema.Parse($$"""
    {"type":"record","name":"OrderPlaced","namespace":"shop.orders","fields":[{{V1Fields}},
      {"name":"channel","type":["null","string"],"default":null}]}
    """);
var fingerprint = SingleObjectEncoding.ReadHeader(message.WrittenSpan, out var datum);
var upgraded = new GenericDatumReader(fingerprint == v1.Fingerprint64 ? v1 : throw new InvalidOperationException("unknown writer"), v2).Read(datum);
Console.WriteLine($"as v2       {AvroJson.Serialize(v2, upgraded)}");
Console.WriteLine($"v2 vs v1    {SchemaCompatibility.Check(v2, [v1], CompatibilityLevel.Backward)}");
File.Delete(path);

GenericRecord NewLine(string sku, int quantity) => new(line) { ["sku"] = sku, ["quantity"] = quantity };
