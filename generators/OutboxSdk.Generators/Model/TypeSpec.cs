using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Model;

/// <summary>What an annotated type is for.</summary>
internal enum RootKind
{
    /// <summary>Reached from an annotated type.</summary>
    None,
    /// <summary>[OutboxMessage].</summary>
    Message,
    /// <summary>[ChangeFeed].</summary>
    ChangeFeed,
}

/// <summary>
/// A record, class, struct or enum that gets an Avro schema and a serializer. Only strings, enums, numbers and
/// equatable arrays: never a symbol, syntax node, location or compilation, so the pipeline caches it.
/// </summary>
internal sealed record TypeSpec
{
    /// <summary>The C# type as <c>global::Ns.Outer.Name</c>.</summary>
    public required string FullyQualifiedName { get; init; }

    /// <summary>The C# namespace, empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The C# simple name.</summary>
    public required string Name { get; init; }

    /// <summary>Declarations of the types this one is nested in, outermost first (e.g. <c>partial class Outer</c>).</summary>
    public EquatableArray<string> ContainingTypeDeclarations { get; init; }

    /// <summary>The declaration keyword for the partial part: class, struct, record, record struct.</summary>
    public required string Keyword { get; init; }

    public bool IsValueType { get; init; }

    public bool IsEnum { get; init; }

    public bool IsPartial { get; init; }

    /// <summary>The Avro name and namespace.</summary>
    public required string AvroName { get; init; }

    public string? AvroNamespace { get; init; }

    public string? Doc { get; init; }

    public EquatableArray<string> Aliases { get; init; }

    /// <summary>Record fields in schema order.</summary>
    public EquatableArray<MemberSpec> Members { get; init; }

    /// <summary>For enums: the C# member names, which are the Avro symbols, in declaration order.</summary>
    public EquatableArray<string> EnumSymbols { get; init; }

    /// <summary>For enums: the symbol readers use for symbols they do not know.</summary>
    public string? EnumDefault { get; init; }

    /// <summary>True when the type is built through a constructor that takes some members.</summary>
    public bool UsesConstructor { get; init; }

    public RootKind Root { get; init; }

    /// <summary>[OutboxMessage] subject.</summary>
    public string? Subject { get; init; }

    /// <summary>[ChangeFeed] table, as written (optionally schema-qualified).</summary>
    public string? Table { get; init; }

    /// <summary>[ChangeFeed] replica identity: 0 default, 1 full.</summary>
    public int ReplicaIdentity { get; init; }

    /// <summary>The Avro full name.</summary>
    public string AvroFullName => string.IsNullOrEmpty(AvroNamespace) ? AvroName : AvroNamespace + "." + AvroName;
}

/// <summary>A member that becomes a field (and, for change-feed entities, a column).</summary>
internal sealed record MemberSpec
{
    /// <summary>The C# member name.</summary>
    public required string Name { get; init; }

    public required string AvroName { get; init; }

    public required TypeRef Type { get; init; }

    /// <summary>The position of the constructor parameter that sets it, or -1 when it is set by its setter or init.</summary>
    public int ConstructorParameter { get; init; } = -1;

    public bool IsRequired { get; init; }

    public string? Doc { get; init; }

    /// <summary>The default as JSON, or null when the field has none.</summary>
    public string? DefaultJson { get; init; }

    public EquatableArray<string> Aliases { get; init; }

    public bool IsPartitionKey { get; init; }

    public bool IsKey { get; init; }
}

/// <summary>How a member's type maps to Avro.</summary>
internal enum ValueKind
{
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
    Memory,
    Guid,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    TimeSpan,
    Decimal,
    Enum,
    Record,
    Array,
    Map,
}

/// <summary>The C# collection a list or map member is declared as, which decides how it is built when read.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
    Dictionary,
}

/// <summary>A member's type: its mapping, nullability and, for collections, its element.</summary>
internal sealed record TypeRef
{
    public required ValueKind Kind { get; init; }

    /// <summary>The C# type as written in generated code, without nullability, e.g. <c>global::System.Guid</c>.</summary>
    public required string TypeName { get; init; }

    /// <summary>True for <c>Nullable&lt;T&gt;</c> and nullable reference types: a union with null.</summary>
    public bool IsNullable { get; init; }

    /// <summary>True when the nullable is <c>Nullable&lt;T&gt;</c> (read through <c>.Value</c>).</summary>
    public bool IsNullableValueType { get; init; }

    /// <summary>Array items or map values.</summary>
    public TypeRef? Element { get; init; }

    public CollectionKind Collection { get; init; }

    /// <summary>True when the collection is read through an indexer (arrays, lists): no enumerator is allocated.</summary>
    public bool IsIndexable { get; init; }

    /// <summary>For records and enums: the <see cref="TypeSpec.FullyQualifiedName"/> of the target.</summary>
    public string? Target { get; init; }

    public int Precision { get; init; }

    public int Scale { get; init; }
}
