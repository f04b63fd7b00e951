using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.Registration;

/// <summary>An <c>[OutboxMessage]</c> type with its compile-time contract: subject, Avro schema and fingerprint.</summary>
public sealed class OutboxMessageType
{
    private readonly Func<object, string?>? _partitionKey;
    private readonly Func<object, byte[]> _serialize;
    private readonly Func<ReadOnlyMemory<byte>, object> _deserialize;

    private OutboxMessageType(Type clrType, string subject, string schemaJson, string canonicalForm, long fingerprint, string? partitionKeyMember,
        Func<object, string?>? partitionKey, Func<object, byte[]> serialize, Func<ReadOnlyMemory<byte>, object> deserialize)
    {
        ClrType = clrType;
        Subject = subject;
        SchemaJson = schemaJson;
        CanonicalForm = canonicalForm;
        Fingerprint = fingerprint;
        PartitionKeyMember = partitionKeyMember;
        _partitionKey = partitionKey;
        _serialize = serialize;
        _deserialize = deserialize;
    }

    /// <summary>The message's CLR type.</summary>
    public Type ClrType { get; }

    /// <summary>The subject from <c>[OutboxMessage(subject)]</c>.</summary>
    public string Subject { get; }

    /// <summary>The Avro schema as JSON, with docs, defaults and aliases.</summary>
    public string SchemaJson { get; }

    /// <summary>The schema's Parsing Canonical Form.</summary>
    public string CanonicalForm { get; }

    /// <summary>The CRC-64-AVRO fingerprint of <see cref="CanonicalForm"/>.</summary>
    public long Fingerprint { get; }

    /// <summary>The name of the <c>[PartitionKey]</c> member, or null when the message has none.</summary>
    public string? PartitionKeyMember { get; }

    /// <summary>The message's partition key as text (invariant culture), or null when it has no <c>[PartitionKey]</c> or the key is null.</summary>
    /// <exception cref="InvalidCastException"><paramref name="message"/> is not of <see cref="ClrType"/>.</exception>
    public string? PartitionKeyOf(object message) => _partitionKey?.Invoke(message);

    /// <summary>Serializes a message of <see cref="ClrType"/> in the Avro binary encoding of its schema.</summary>
    public byte[] Serialize(object message) => _serialize(message);

    /// <summary>Reads a message written with exactly this type's schema.</summary>
    public object Deserialize(ReadOnlyMemory<byte> payload) => _deserialize(payload);

    /// <summary>Describes <typeparamref name="T"/>; called by generated registration code.</summary>
    /// <param name="subject">The subject from the attribute.</param>
    /// <param name="partitionKeyMember">The <c>[PartitionKey]</c> member's name, or null.</param>
    /// <param name="partitionKey">Reads the partition key as text, or null when the type has none.</param>
    public static OutboxMessageType Create<T>(string subject, string? partitionKeyMember = null, Func<T, string?>? partitionKey = null)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(subject);
        return new OutboxMessageType(typeof(T), subject, T.AvroSchemaJson, T.AvroCanonicalForm, T.AvroFingerprint, partitionKeyMember,
            partitionKey is null ? null : message => partitionKey((T)message),
            static message => AvroSerializer.Serialize((T)message),
            static payload => AvroSerializer.Deserialize<T>(payload.Span)!);
    }

    /// <inheritdoc />
    public override string ToString() => Subject + " (" + ClrType.FullName + ")";
}
