using System.Buffers;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Serialization;

/// <summary>
/// The entry points to generated serializers. <see cref="Serialize{T}(T)"/> gives the plain Avro binary
/// encoding, with no header; single-object encoding and Confluent framing are separate, explicit calls.
/// </summary>
public static class AvroSerializer
{
    /// <summary>The binary encoding of <paramref name="value"/> in a new array.</summary>
    public static byte[] Serialize<T>(T value) where T : IAvroSerializable<T>
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        T.WriteAvro(value, new AvroBinaryWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the binary encoding of <paramref name="value"/> to <paramref name="output"/>; allocation-free into a reused buffer.</summary>
    public static void Serialize<T>(T value, IBufferWriter<byte> output) where T : IAvroSerializable<T> =>
        T.WriteAvro(value, new AvroBinaryWriter(output));

    /// <summary>Reads one value that fills <paramref name="data"/> exactly; trailing bytes are an <see cref="AvroFormatException"/>.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> data) where T : IAvroSerializable<T>
    {
        var reader = new AvroBinaryReader(data);
        var value = T.ReadAvro(ref reader);
        if (!reader.IsAtEnd)
        {
            throw reader.Error($"{reader.Remaining} bytes remain after the {typeof(T).Name}: the data is not a single datum of its schema", reader.Position);
        }

        return value;
    }

    /// <summary>
    /// Reads one value written with <paramref name="writerSchema"/>, which may be an older or newer version of
    /// <typeparamref name="T"/>'s schema. When its fingerprint is <typeparamref name="T"/>'s this is
    /// <see cref="Deserialize{T}(ReadOnlySpan{byte})"/>. Otherwise it is the slow path for old data: the datum is
    /// resolved to <typeparamref name="T"/>'s schema and re-encoded by a <see cref="SchemaVersionResolver"/>
    /// (compiled once per writer fingerprint and cached), then decoded by the generated code. Throws
    /// <see cref="AvroResolutionException"/> when the schemas are not compatible.
    /// </summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> data, AvroSchema writerSchema) where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(writerSchema);
        if (writerSchema.Fingerprint64 == T.AvroFingerprint)
        {
            return Deserialize<T>(data);
        }

        return Deserialize<T>(SchemaCache<T>.Resolver.Reencode(data, writerSchema).Span);
    }

    /// <summary>The schema JSON of <typeparamref name="T"/>.</summary>
    public static string SchemaOf<T>() where T : IAvroSerializable<T> => T.AvroSchemaJson;

    /// <summary>The parsed schema of <typeparamref name="T"/>, parsed once.</summary>
    public static AvroSchema ParsedSchemaOf<T>() where T : IAvroSerializable<T> => SchemaCache<T>.Schema;

    /// <summary>The CRC-64-AVRO fingerprint of <typeparamref name="T"/>'s schema.</summary>
    public static long FingerprintOf<T>() where T : IAvroSerializable<T> => T.AvroFingerprint;

    /// <summary>Writes the single-object encoding: <c>C3 01</c>, the fingerprint, the datum.</summary>
    public static void SerializeSingleObject<T>(T value, IBufferWriter<byte> output) where T : IAvroSerializable<T>
    {
        SingleObjectEncoding.WriteHeader(output, T.AvroFingerprint);
        T.WriteAvro(value, new AvroBinaryWriter(output));
    }

    /// <summary>
    /// Reads a single-object encoded value; a fingerprint other than <typeparamref name="T"/>'s is an
    /// <see cref="AvroFormatException"/> (for other versions of the schema use the overload that looks writer schemas up).
    /// </summary>
    public static T DeserializeSingleObject<T>(ReadOnlySpan<byte> message) where T : IAvroSerializable<T>
    {
        var fingerprint = SingleObjectEncoding.ReadHeader(message, out var datum);
        if (fingerprint != T.AvroFingerprint)
        {
            throw new AvroFormatException($"the message was written with the schema of fingerprint {fingerprint}, not {typeof(T).Name}'s ({T.AvroFingerprint})", 2);
        }

        return Deserialize<T>(datum);
    }

    /// <summary>
    /// Reads a single-object encoded value written with any version of <typeparamref name="T"/>'s schema:
    /// <paramref name="schemaByFingerprint"/> gives the writer schema for a fingerprint other than
    /// <typeparamref name="T"/>'s (null when unknown, an <see cref="AvroFormatException"/>); see
    /// <see cref="Deserialize{T}(ReadOnlySpan{byte}, AvroSchema)"/> for the cost of old data.
    /// </summary>
    public static T DeserializeSingleObject<T>(ReadOnlySpan<byte> message, Func<long, AvroSchema?> schemaByFingerprint) where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(schemaByFingerprint);
        var fingerprint = SingleObjectEncoding.ReadHeader(message, out var datum);
        if (fingerprint == T.AvroFingerprint)
        {
            return Deserialize<T>(datum);
        }

        var writerSchema = schemaByFingerprint(fingerprint)
            ?? throw new AvroFormatException($"the message was written with the schema of fingerprint {fingerprint}, which is neither {typeof(T).Name}'s ({T.AvroFingerprint}) nor known", 2);
        return Deserialize<T>(datum, writerSchema);
    }

    /// <summary>Writes Confluent framing: a zero byte, <paramref name="schemaId"/> big-endian, the datum.</summary>
    public static void SerializeConfluent<T>(T value, int schemaId, IBufferWriter<byte> output) where T : IAvroSerializable<T>
    {
        ConfluentFraming.WriteHeader(output, schemaId);
        T.WriteAvro(value, new AvroBinaryWriter(output));
    }

    private static class SchemaCache<T> where T : IAvroSerializable<T>
    {
        public static readonly AvroSchema Schema = AvroSchema.Parse(T.AvroSchemaJson);

        /// <summary>Resolves other versions of the schema to <typeparamref name="T"/>'s.</summary>
        public static readonly SchemaVersionResolver Resolver = new(Schema);
    }
}
