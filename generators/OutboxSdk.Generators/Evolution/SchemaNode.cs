using System.Collections.Generic;
using System.Globalization;

namespace OutboxSdk.Generators.Evolution;

/// <summary>The Avro types, in the order the runtime's <c>AvroType</c> lists them.</summary>
internal enum SchemaKind
{
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
}

/// <summary>
/// A compact Avro schema model: just what schema resolution looks at (types, names, aliases, field defaults,
/// enum symbols, fixed sizes, decimal precision and scale). Docs, orders and extra properties are dropped.
/// Named types are shared by reference, so a recursive schema is a graph, as in the runtime's model.
/// </summary>
internal abstract class SchemaNode
{
    protected SchemaNode(SchemaKind kind) => Kind = kind;

    public SchemaKind Kind { get; }

    /// <summary>The name of a valid logical type annotation, or null (invalid annotations are ignored, per the spec).</summary>
    public string? LogicalType { get; set; }

    /// <summary>For decimals: precision and scale.</summary>
    public int Precision { get; set; }

    public int Scale { get; set; }

    public bool IsDecimal => LogicalType == "decimal";

    /// <summary>The primitive or complex type's name; a named type's full name.</summary>
    public virtual string TypeName => KindName(Kind);

    public static string KindName(SchemaKind kind) => kind switch
    {
        SchemaKind.Null => "null",
        SchemaKind.Boolean => "boolean",
        SchemaKind.Int => "int",
        SchemaKind.Long => "long",
        SchemaKind.Float => "float",
        SchemaKind.Double => "double",
        SchemaKind.Bytes => "bytes",
        SchemaKind.String => "string",
        SchemaKind.Record => "record",
        SchemaKind.Enum => "enum",
        SchemaKind.Array => "array",
        SchemaKind.Map => "map",
        SchemaKind.Union => "union",
        _ => "fixed",
    };

    /// <summary>Describes a type the way the runtime's compatibility messages do, e.g. <c>bytes (decimal(9, 2))</c>.</summary>
    public static string Describe(SchemaNode schema) => schema switch
    {
        FixedNode f when f.LogicalType is not null =>
            "fixed " + f.FullName + " (size " + Number(f.Size) + ", " + DescribeLogical(f) + ")",
        FixedNode f => "fixed " + f.FullName + " (size " + Number(f.Size) + ")",
        NamedNode n => KindName(n.Kind) + " " + n.FullName,
        ArrayNode a => "array of " + Describe(a.Items),
        MapNode m => "map of " + Describe(m.Values),
        UnionNode u => "union [" + string.Join(", ", u.Branches.ConvertAll(b => b.TypeName)) + "]",
        { LogicalType: not null } => schema.TypeName + " (" + DescribeLogical(schema) + ")",
        _ => schema.TypeName,
    };

    private static string DescribeLogical(SchemaNode schema) => schema.IsDecimal
        ? "decimal(" + Number(schema.Precision) + ", " + Number(schema.Scale) + ")"
        : schema.LogicalType!;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class PrimitiveNode(SchemaKind kind) : SchemaNode(kind);

/// <summary>A record, enum or fixed: a name, a namespace and aliases (held as full names).</summary>
internal abstract class NamedNode(SchemaKind kind, string name, string? space, List<string> aliases) : SchemaNode(kind)
{
    public string Name { get; } = name;

    public string? Namespace { get; } = space;

    public string FullName => Namespace is null ? Name : Namespace + "." + Name;

    public List<string> Aliases { get; } = aliases;

    public override string TypeName => FullName;
}

internal sealed class RecordNode(string name, string? space, List<string> aliases) : NamedNode(SchemaKind.Record, name, space, aliases)
{
    public List<FieldNode> Fields { get; } = [];

    public FieldNode? GetField(string name) => Fields.Find(f => f.Name == name);
}

internal sealed class FieldNode(string name, SchemaNode schema, bool hasDefault, List<string> aliases)
{
    public string Name { get; } = name;

    public SchemaNode Schema { get; } = schema;

    public bool HasDefault { get; } = hasDefault;

    public List<string> Aliases { get; } = aliases;
}

internal sealed class EnumNode(string name, string? space, List<string> aliases, List<string> symbols, string? defaultSymbol)
    : NamedNode(SchemaKind.Enum, name, space, aliases)
{
    public List<string> Symbols { get; } = symbols;

    public string? Default { get; } = defaultSymbol;
}

internal sealed class FixedNode(string name, string? space, List<string> aliases, int size) : NamedNode(SchemaKind.Fixed, name, space, aliases)
{
    public int Size { get; } = size;
}

internal sealed class ArrayNode(SchemaNode items) : SchemaNode(SchemaKind.Array)
{
    public SchemaNode Items { get; } = items;
}

internal sealed class MapNode(SchemaNode values) : SchemaNode(SchemaKind.Map)
{
    public SchemaNode Values { get; } = values;
}

internal sealed class UnionNode(List<SchemaNode> branches) : SchemaNode(SchemaKind.Union)
{
    public List<SchemaNode> Branches { get; } = branches;
}
