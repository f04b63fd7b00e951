using System;

namespace OutboxSdk;

/// <summary>The Avro (and column) name of a member, or the Avro name of a type, when it differs from the C# name.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Parameter, Inherited = false)]
public sealed class AvroNameAttribute : Attribute
{
    /// <summary>Names the member or type.</summary>
    public AvroNameAttribute(string name) => Name = name;

    /// <summary>The Avro name.</summary>
    public string Name { get; }
}

/// <summary>Leaves a member out of the schema, the serializer and the table.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class AvroIgnoreAttribute : Attribute
{
}

/// <summary>The precision and scale of a <see cref="decimal"/> member (Avro decimal logical type, Postgres numeric).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false)]
public sealed class AvroDecimalAttribute : Attribute
{
    /// <summary>Sets the total number of digits and the digits after the point.</summary>
    public AvroDecimalAttribute(int precision, int scale)
    {
        Precision = precision;
        Scale = scale;
    }

    /// <summary>The maximum number of digits.</summary>
    public int Precision { get; }

    /// <summary>The number of digits after the decimal point.</summary>
    public int Scale { get; }
}

/// <summary>Documentation for the schema; XML doc comments are used when this is absent.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Parameter, Inherited = false)]
public sealed class AvroDocAttribute : Attribute
{
    /// <summary>Sets the documentation.</summary>
    public AvroDocAttribute(string doc) => Doc = doc;

    /// <summary>The documentation.</summary>
    public string Doc { get; }
}

/// <summary>
/// The field's default in the schema, as JSON (<c>"0"</c>, <c>"\"EUR\""</c>, <c>"null"</c>, <c>"[]"</c>): what a
/// reader uses for data written before the field existed. On an enum type, the symbol (a member name) that
/// readers use for symbols they do not know.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.Enum, Inherited = false)]
public sealed class AvroDefaultAttribute : Attribute
{
    /// <summary>Sets the default, as JSON (for an enum type: the default member's name).</summary>
    public AvroDefaultAttribute(string json) => Json = json;

    /// <summary>The default value as JSON, or the enum's default symbol.</summary>
    public string Json { get; }
}

/// <summary>Former names of a member or type, so data written under the old name still reads.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Parameter, AllowMultiple = true, Inherited = false)]
public sealed class AvroAliasAttribute : Attribute
{
    /// <summary>Adds a former name.</summary>
    public AvroAliasAttribute(string alias) => Alias = alias;

    /// <summary>The former name.</summary>
    public string Alias { get; }
}
