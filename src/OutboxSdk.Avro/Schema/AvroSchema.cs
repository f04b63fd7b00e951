using System.Collections.ObjectModel;

namespace OutboxSdk.Avro.Schema;

/// <summary>
/// An Avro schema. Instances are immutable once parsed or built, and safe to share between threads.
/// Parse with <see cref="Parse(string)"/>; print with <see cref="ToString"/> (full JSON) or
/// <see cref="ToCanonicalForm"/> (the Parsing Canonical Form).
/// </summary>
public abstract class AvroSchema
{
    private static readonly IReadOnlyDictionary<string, string> NoProperties =
        ReadOnlyDictionary<string, string>.Empty;

    private string? _canonicalForm;
    private long? _fingerprint;

    private protected AvroSchema(AvroType type, LogicalType? logicalType, IReadOnlyDictionary<string, string>? properties)
    {
        Type = type;
        LogicalType = logicalType;
        Properties = properties ?? NoProperties;
    }

    /// <summary>The schema's type.</summary>
    public AvroType Type { get; }

    /// <summary>The valid logical type annotation, or null.</summary>
    public LogicalType? LogicalType { get; }

    /// <summary>
    /// Attributes the specification does not define for this type (and an ignored <c>logicalType</c>), each as
    /// its raw JSON text. Kept so that printing a schema loses nothing.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>True for null, boolean, int, long, float, double, bytes and string.</summary>
    public bool IsPrimitive => Type <= AvroType.String;

    /// <summary>The name other schemas use to refer to this one: the full name for named types, else the type name.</summary>
    public virtual string TypeName => AvroTypeNames.Of(Type);

    /// <summary>Parses schema JSON. Throws <see cref="AvroSchemaException"/> naming the path of the first problem.</summary>
    public static AvroSchema Parse(string json) => SchemaParser.Parse(json);

    /// <summary>The Parsing Canonical Form (see Avro spec, "Parsing Canonical Form for Schemas").</summary>
    public string ToCanonicalForm() => _canonicalForm ??= CanonicalFormWriter.Write(this);

    /// <summary>The CRC-64-AVRO (Rabin) fingerprint of the canonical form, as used by single-object encoding.</summary>
    public long Fingerprint64 => _fingerprint ??= SchemaFingerprint.Rabin(ToCanonicalForm());

    /// <summary>The schema as JSON with every attribute (docs, defaults, aliases, logical types, custom properties).</summary>
    public override string ToString() => SchemaJsonWriter.Write(this);

    /// <summary>Creates a primitive schema.</summary>
    public static PrimitiveSchema Create(AvroType type) => PrimitiveSchema.Of(type);
}
