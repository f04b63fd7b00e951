using OutboxSdk.Avro.Serialization;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Registration;

/// <summary>A <c>[ChangeFeed]</c> entity type: the table whose row changes it receives, and its Avro contract.</summary>
public sealed class ChangeFeedEntityType
{
    private ChangeFeedEntityType(Type clrType, string table, ReplicaIdentity replicaIdentity, string schemaJson, long fingerprint, ChangeFeedTable? descriptor, EntityChangeBuilder? builder)
    {
        ClrType = clrType;
        Table = table;
        ReplicaIdentity = replicaIdentity;
        SchemaJson = schemaJson;
        Fingerprint = fingerprint;
        Descriptor = descriptor;
        Builder = builder;
    }

    /// <summary>The entity's CLR type.</summary>
    public Type ClrType { get; }

    /// <summary>The table from <c>[ChangeFeed(table)]</c>, as written (optionally schema-qualified).</summary>
    public string Table { get; }

    /// <summary>The table's replica identity: what a change carries as the old row.</summary>
    public ReplicaIdentity ReplicaIdentity { get; }

    /// <summary>The row's Avro schema as JSON.</summary>
    public string SchemaJson { get; }

    /// <summary>The CRC-64-AVRO fingerprint of the schema's canonical form.</summary>
    public long Fingerprint { get; }

    /// <summary>The table's generated descriptor (columns, types, key), or null when the registration was generated without the change-feed runtime.</summary>
    public ChangeFeedTable? Descriptor { get; }

    /// <summary>Builds typed changes of this entity from rows; null when the entity was registered without its row decoders.</summary>
    internal EntityChangeBuilder? Builder { get; }

    /// <summary>Describes <typeparamref name="T"/> without row decoders (it cannot be routed by the change feed).</summary>
    public static ChangeFeedEntityType Create<T>(string table, ReplicaIdentity replicaIdentity)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        return new ChangeFeedEntityType(typeof(T), table, replicaIdentity, T.AvroSchemaJson, T.AvroFingerprint, null, null);
    }

    /// <summary>Describes <typeparamref name="T"/> with its table and generated row decoders; called by generated registration code.</summary>
    /// <param name="table">The table from the attribute.</param>
    /// <param name="replicaIdentity">The replica identity from the attribute.</param>
    /// <param name="descriptor">The entity's generated <c>ChangeFeedDescriptor</c>.</param>
    /// <param name="fromRow">The entity's generated <c>FromRow(row, toast, previous)</c>.</param>
    /// <param name="keyFromRow">The entity's generated <c>KeyFromRow(row)</c>.</param>
    public static ChangeFeedEntityType Create<T>(string table, ReplicaIdentity replicaIdentity, ChangeFeedTable descriptor,
        ChangeFeedRowDecoder<T> fromRow, Func<PgRow, object[]> keyFromRow)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(fromRow);
        ArgumentNullException.ThrowIfNull(keyFromRow);
        return new ChangeFeedEntityType(typeof(T), table, replicaIdentity, T.AvroSchemaJson, T.AvroFingerprint, descriptor,
            new EntityChangeBuilder<T>(descriptor, fromRow, keyFromRow));
    }

    /// <inheritdoc />
    public override string ToString() => Table + " (" + ClrType.FullName + ")";
}
