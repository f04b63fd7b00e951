using System.Buffers;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using V1 = Serial.Evolution.V1;
using V2 = Serial.Evolution.V2;

namespace OutboxSdk.Serialization.Tests;

/// <summary>
/// Two versions of one Avro record as two C# types: v2 adds an optional field, drops a field with a default,
/// renames a field through an alias and adds an enum symbol. Data written by v1 must read as v2.
/// </summary>
public sealed class EvolutionTests
{
    private static readonly V1.Evolving Old = new("id-1", "first name", V1.Shade.Green) { Legacy = 9 };
    private static readonly V2.Evolving Expected = new("id-1", "first name", V2.Shade.Green) { Comment = null };

    [Fact]
    public void Both_versions_share_one_Avro_name_but_not_a_fingerprint()
    {
        var v1 = (NamedSchema)AvroSerializer.ParsedSchemaOf<V1.Evolving>();
        var v2 = (NamedSchema)AvroSerializer.ParsedSchemaOf<V2.Evolving>();
        Assert.Equal("com.example.evolution.Evolving", v1.FullName);
        Assert.Equal(v1.FullName, v2.FullName);
        Assert.NotEqual(AvroSerializer.FingerprintOf<V1.Evolving>(), AvroSerializer.FingerprintOf<V2.Evolving>());
        Assert.True(SchemaCompatibility.CanRead(v2, v1).IsCompatible); // the v2 reader reads v1 data
    }

    [Fact]
    public void Bytes_written_by_v1_read_as_v2_through_the_writer_schema()
    {
        var bytes = AvroSerializer.Serialize(Old);
        var back = AvroSerializer.Deserialize<V2.Evolving>(bytes, AvroSerializer.ParsedSchemaOf<V1.Evolving>());
        Assert.Equal(Expected, back);
        // Read again: the resolver compiled for v1's fingerprint is reused.
        Assert.Equal(Expected with { Shade = V2.Shade.Red, Title = "" }, AvroSerializer.Deserialize<V2.Evolving>(
            AvroSerializer.Serialize(new V1.Evolving("id-1", "", V1.Shade.Red)), AvroSerializer.ParsedSchemaOf<V1.Evolving>()));
    }

    [Fact]
    public void Without_the_writer_schema_v1_bytes_are_not_v2_data()
    {
        var bytes = AvroSerializer.Serialize(Old);
        Assert.ThrowsAny<AvroException>(() => AvroSerializer.Deserialize<V2.Evolving>(bytes));
    }

    [Fact]
    public void The_same_fingerprint_takes_the_direct_path()
    {
        var v2 = new V2.Evolving("x", "t", V2.Shade.Blue) { Comment = "c" };
        Assert.Equal(v2, AvroSerializer.Deserialize<V2.Evolving>(AvroSerializer.Serialize(v2), AvroSchema.Parse(AvroSerializer.SchemaOf<V2.Evolving>())));
    }

    [Fact]
    public void Resolution_is_thread_safe()
    {
        var bytes = AvroSerializer.Serialize(Old);
        var writer = AvroSchema.Parse(AvroSerializer.SchemaOf<V1.Evolving>());
        Parallel.For(0, 200, _ => Assert.Equal(Expected, AvroSerializer.Deserialize<V2.Evolving>(bytes, writer)));
    }

    [Fact]
    public void Single_object_messages_of_either_version_read_as_v2()
    {
        var schemas = new Dictionary<long, AvroSchema> { [AvroSerializer.FingerprintOf<V1.Evolving>()] = AvroSerializer.ParsedSchemaOf<V1.Evolving>() };
        var old = new ArrayBufferWriter<byte>();
        AvroSerializer.SerializeSingleObject(Old, old);
        Assert.Equal(Expected, AvroSerializer.DeserializeSingleObject<V2.Evolving>(old.WrittenSpan, schemas.GetValueOrDefault));

        var current = new ArrayBufferWriter<byte>();
        var v2 = new V2.Evolving("y", "t", V2.Shade.Blue) { Comment = "c" };
        AvroSerializer.SerializeSingleObject(v2, current);
        Assert.Equal(v2, AvroSerializer.DeserializeSingleObject<V2.Evolving>(current.WrittenSpan, _ => throw new InvalidOperationException("not looked up")));

        var unknown = Assert.Throws<AvroFormatException>(() => AvroSerializer.DeserializeSingleObject<V2.Evolving>(old.WrittenArray(), _ => null));
        Assert.Contains(AvroSerializer.FingerprintOf<V1.Evolving>().ToString(System.Globalization.CultureInfo.InvariantCulture), unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_incompatible_writer_schema_is_a_resolution_error()
    {
        var incompatible = AvroSchema.Parse("""{"type":"record","name":"Evolving","namespace":"com.example.evolution","fields":[{"name":"Id","type":"int"}]}""");
        Assert.Throws<AvroResolutionException>(() => AvroSerializer.Deserialize<V2.Evolving>([2], incompatible));
    }
}

internal static class BufferExtensions
{
    public static byte[] WrittenArray(this ArrayBufferWriter<byte> buffer) => buffer.WrittenSpan.ToArray();
}
