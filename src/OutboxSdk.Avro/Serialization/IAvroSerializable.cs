using OutboxSdk.Avro.IO;

namespace OutboxSdk.Avro.Serialization;

/// <summary>
/// A type with a compile-time Avro contract. The OutboxSdk source generator implements it for every
/// <c>[OutboxMessage]</c> and <c>[ChangeFeed]</c> type and every type they reach; call it through
/// <see cref="AvroSerializer"/>.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IAvroSerializable<TSelf> where TSelf : IAvroSerializable<TSelf>
{
    /// <summary>The schema as JSON, with docs, defaults and aliases.</summary>
    static abstract string AvroSchemaJson { get; }

    /// <summary>The schema's Parsing Canonical Form.</summary>
    static abstract string AvroCanonicalForm { get; }

    /// <summary>The CRC-64-AVRO fingerprint of the canonical form, computed at compile time.</summary>
    static abstract long AvroFingerprint { get; }

    /// <summary>Writes <paramref name="value"/> in the binary encoding of <see cref="AvroSchemaJson"/>.</summary>
    static abstract void WriteAvro(TSelf value, AvroBinaryWriter writer);

    /// <summary>Reads a value written with exactly this type's schema.</summary>
    static abstract TSelf ReadAvro(ref AvroBinaryReader reader);
}
