namespace OutboxSdk.Avro.Schema;

/// <summary>The Avro schema types (see Avro spec, "Schema Declaration").</summary>
public enum AvroType
{
    /// <summary>No value.</summary>
    Null,
    /// <summary>A binary value.</summary>
    Boolean,
    /// <summary>32-bit signed integer.</summary>
    Int,
    /// <summary>64-bit signed integer.</summary>
    Long,
    /// <summary>IEEE 754 single precision.</summary>
    Float,
    /// <summary>IEEE 754 double precision.</summary>
    Double,
    /// <summary>A sequence of 8-bit unsigned bytes.</summary>
    Bytes,
    /// <summary>A Unicode character sequence.</summary>
    String,
    /// <summary>A named record of fields (also "error", which protocols use).</summary>
    Record,
    /// <summary>A named set of symbols.</summary>
    Enum,
    /// <summary>A sequence of items of one schema.</summary>
    Array,
    /// <summary>String keys to values of one schema.</summary>
    Map,
    /// <summary>One of several schemas.</summary>
    Union,
    /// <summary>A named fixed number of bytes.</summary>
    Fixed,
}

internal static class AvroTypeNames
{
    public static string Of(AvroType type) => type switch
    {
        AvroType.Null => "null",
        AvroType.Boolean => "boolean",
        AvroType.Int => "int",
        AvroType.Long => "long",
        AvroType.Float => "float",
        AvroType.Double => "double",
        AvroType.Bytes => "bytes",
        AvroType.String => "string",
        AvroType.Record => "record",
        AvroType.Enum => "enum",
        AvroType.Array => "array",
        AvroType.Map => "map",
        AvroType.Union => "union",
        AvroType.Fixed => "fixed",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParsePrimitive(string name, out AvroType type)
    {
        switch (name)
        {
            case "null": type = AvroType.Null; return true;
            case "boolean": type = AvroType.Boolean; return true;
            case "int": type = AvroType.Int; return true;
            case "long": type = AvroType.Long; return true;
            case "float": type = AvroType.Float; return true;
            case "double": type = AvroType.Double; return true;
            case "bytes": type = AvroType.Bytes; return true;
            case "string": type = AvroType.String; return true;
            default: type = default; return false;
        }
    }
}
