using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.Registration;

/// <summary>A <c>[ChangeFeed]</c> entity type: the table whose row changes it receives, and its Avro contract.</summary>
public sealed class ChangeFeedEntityType
{
    private ChangeFeedEntityType(Type clrType, string table, ReplicaIdentity replicaIdentity, string schemaJson, long fingerprint)
    {
        ClrType = clrType;
        Table = table;
        ReplicaIdentity = replicaIdentity;
        SchemaJson = schemaJson;
        Fingerprint = fingerprint;
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

    /// <summary>Describes <typeparamref name="T"/>; called by generated registration code.</summary>
    public static ChangeFeedEntityType Create<T>(string table, ReplicaIdentity replicaIdentity)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(table);
        return new ChangeFeedEntityType(typeof(T), table, replicaIdentity, T.AvroSchemaJson, T.AvroFingerprint);
    }

    /// <inheritdoc />
    public override string ToString() => Table + " (" + ClrType.FullName + ")";
}
