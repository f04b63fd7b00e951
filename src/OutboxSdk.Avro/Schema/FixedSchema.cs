namespace OutboxSdk.Avro.Schema;

/// <summary>A named fixed number of bytes.</summary>
public sealed class FixedSchema : NamedSchema
{
    /// <summary>Creates a fixed schema.</summary>
    public FixedSchema(AvroName name, int size, IReadOnlyList<AvroName>? aliases = null, string? doc = null,
        LogicalType? logicalType = null, IReadOnlyDictionary<string, string>? properties = null)
        : base(AvroType.Fixed, name, aliases, doc, logicalType, properties)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
    }

    /// <summary>The number of bytes in every value.</summary>
    public int Size { get; }
}
