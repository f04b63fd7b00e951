using System.Buffers;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Framing;

public sealed class FramingTests
{
    [Fact]
    public void The_apache_single_object_test_message_decodes()
    {
        var schema = AvroSchema.Parse(File.ReadAllText(TestData.File("messageV1_test_schema.avsc")));
        var message = File.ReadAllBytes(TestData.File("messageV1_test_message.bin"));

        var fingerprint = SingleObjectEncoding.ReadHeader(message, out var datum);

        Assert.Equal(schema.Fingerprint64, fingerprint);
        var record = Assert.IsType<GenericRecord>(new GenericDatumReader(schema).Read(datum));
        // Re-encoding gives the same bytes: header and datum.
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, schema);
        GenericDatumWriter.Write(schema, record, buffer);
        Assert.Equal(message, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Single_object_header_is_marker_and_little_endian_fingerprint()
    {
        var schema = AvroSchema.Parse("\"string\"");
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, schema);
        var header = buffer.WrittenSpan.ToArray();
        Assert.Equal([0xC3, 0x01], header[..2]);
        Assert.Equal(schema.Fingerprint64, BitConverter.ToInt64(header, 2));
        Assert.Equal(SchemaFingerprint.Compute(schema, FingerprintAlgorithm.Rabin), header[2..]);
    }

    [Theory]
    [InlineData("C301")]
    [InlineData("C40100000000000000000000")]
    public void Malformed_single_object_messages_are_rejected(string hex)
    {
        Assert.Throws<AvroFormatException>(() => SingleObjectEncoding.ReadHeader(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Confluent_framing_is_magic_zero_and_big_endian_id()
    {
        var buffer = new ArrayBufferWriter<byte>();
        ConfluentFraming.WriteHeader(buffer, 0x01020304);
        buffer.Write<byte>([0x06]);
        Assert.Equal("000102030406", Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal(0x01020304, ConfluentFraming.ReadHeader(buffer.WrittenSpan, out var datum));
        Assert.Equal([0x06], datum.ToArray());
        Assert.Throws<AvroFormatException>(() => ConfluentFraming.ReadHeader(Convert.FromHexString("0100000001"), out _));
    }

    [Fact]
    public void Fingerprints_in_all_three_algorithms()
    {
        var schema = AvroSchema.Parse("\"int\"");
        Assert.Equal(8, SchemaFingerprint.Compute(schema, FingerprintAlgorithm.Rabin).Length);
        // MD5 and SHA-256 of the canonical form "int", checked with md5sum and sha256sum of the text "int" with its quotes.
        Assert.Equal("ef524ea1b91e73173d938ade36c1db32", Convert.ToHexStringLower(SchemaFingerprint.Compute(schema, FingerprintAlgorithm.Md5)));
        Assert.Equal("3f2b87a9fe7cc9b13835598c3981cd45e3e355309e5090aa0933d7becb6fba45", Convert.ToHexStringLower(SchemaFingerprint.Compute(schema, FingerprintAlgorithm.Sha256)));
    }
}
