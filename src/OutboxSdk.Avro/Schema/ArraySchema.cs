namespace OutboxSdk.Avro.Schema;

/// <summary>An array of items that share one schema.</summary>
public sealed class ArraySchema : AvroSchema
{
    /// <summary>Creates an array schema.</summary>
    public ArraySchema(AvroSchema items, IReadOnlyDictionary<string, string>? properties = null)
        : base(AvroType.Array, null, properties)
    {
        Items = items ?? throw new ArgumentNullException(nameof(items));
    }

    /// <summary>The schema of every item.</summary>
    public AvroSchema Items { get; }
}

/// <summary>A map from string keys to values that share one schema.</summary>
public sealed class MapSchema : AvroSchema
{
    /// <summary>Creates a map schema.</summary>
    public MapSchema(AvroSchema values, IReadOnlyDictionary<string, string>? properties = null)
        : base(AvroType.Map, null, properties)
    {
        Values = values ?? throw new ArgumentNullException(nameof(values));
    }

    /// <summary>The schema of every value.</summary>
    public AvroSchema Values { get; }
}
