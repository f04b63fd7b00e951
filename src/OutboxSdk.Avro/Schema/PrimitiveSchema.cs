namespace OutboxSdk.Avro.Schema;

/// <summary>null, boolean, int, long, float, double, bytes or string, optionally with a logical type.</summary>
public sealed class PrimitiveSchema : AvroSchema
{
    private static readonly PrimitiveSchema[] Plain =
    [
        new(AvroType.Null), new(AvroType.Boolean), new(AvroType.Int), new(AvroType.Long),
        new(AvroType.Float), new(AvroType.Double), new(AvroType.Bytes), new(AvroType.String),
    ];

    /// <summary>Creates a primitive schema with a logical type and custom properties.</summary>
    public PrimitiveSchema(AvroType type, LogicalType? logicalType = null, IReadOnlyDictionary<string, string>? properties = null)
        : base(type, logicalType, properties)
    {
        if (type > AvroType.String)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a primitive type.");
        }
    }

    /// <summary>The shared instance of a plain primitive schema.</summary>
    public static PrimitiveSchema Of(AvroType type) =>
        type <= AvroType.String ? Plain[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "Not a primitive type.");
}
