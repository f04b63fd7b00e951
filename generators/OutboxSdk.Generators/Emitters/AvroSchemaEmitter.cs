using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Emitters;

/// <summary>
/// Builds a type's Avro schema JSON (with docs, defaults and aliases) and its Parsing Canonical Form from the
/// model. Named types are defined at their first use and referred to by full name afterwards.
/// </summary>
internal sealed class AvroSchemaEmitter
{
    private readonly IReadOnlyDictionary<string, TypeSpec> _types;
    private readonly bool _canonical;
    private readonly HashSet<string> _defined = [];
    private readonly StringBuilder _out = new();

    private AvroSchemaEmitter(IReadOnlyDictionary<string, TypeSpec> types, bool canonical)
    {
        _types = types;
        _canonical = canonical;
    }

    /// <summary>The schema JSON of <paramref name="type"/>; <paramref name="types"/> holds every type it reaches.</summary>
    public static string Json(TypeSpec type, IReadOnlyDictionary<string, TypeSpec> types)
    {
        var emitter = new AvroSchemaEmitter(types, canonical: false);
        emitter.Named(type);
        return emitter._out.ToString();
    }

    /// <summary>The Parsing Canonical Form of <paramref name="type"/>.</summary>
    public static string Canonical(TypeSpec type, IReadOnlyDictionary<string, TypeSpec> types)
    {
        var emitter = new AvroSchemaEmitter(types, canonical: true);
        emitter.Named(type);
        return emitter._out.ToString();
    }

    private void Named(TypeSpec type)
    {
        if (!_defined.Add(type.AvroFullName))
        {
            String(type.AvroFullName);
            return;
        }

        _out.Append('{');
        if (_canonical)
        {
            _out.Append("\"name\":");
            String(type.AvroFullName);
            _out.Append(",\"type\":").Append(type.IsEnum ? "\"enum\"" : "\"record\"");
        }
        else
        {
            _out.Append("\"type\":").Append(type.IsEnum ? "\"enum\"" : "\"record\"").Append(",\"name\":");
            String(type.AvroName);
            _out.Append(",\"namespace\":");
            String(type.AvroNamespace ?? "");
            Optional("doc", type.Doc);
            Aliases(type.Aliases);
        }

        if (type.IsEnum)
        {
            _out.Append(",\"symbols\":[");
            Join(type.EnumSymbols, String);
            _out.Append(']');
            if (!_canonical)
            {
                Optional("default", type.EnumDefault);
            }
        }
        else
        {
            _out.Append(",\"fields\":[");
            Join(type.Members, Field);
            _out.Append(']');
        }

        _out.Append('}');
    }

    private void Field(MemberSpec member)
    {
        _out.Append("{\"name\":");
        String(member.AvroName);
        _out.Append(",\"type\":");
        Type(member.Type, NullFirst(member));
        if (!_canonical)
        {
            Optional("doc", member.Doc);
            if (member.DefaultJson is { } defaultJson)
            {
                _out.Append(",\"default\":").Append(defaultJson.Trim());
            }

            Aliases(member.Aliases);
        }

        _out.Append('}');
    }

    /// <summary>
    /// A nullable member's union puts null first, unless its default is another value: readers before Avro 1.12
    /// require a union default to match the first branch.
    /// </summary>
    public static bool NullFirst(MemberSpec member) => member.DefaultJson is null || member.DefaultJson.Trim() == "null";

    private void Type(TypeRef type, bool nullFirst)
    {
        if (type.IsNullable)
        {
            _out.Append(nullFirst ? "[\"null\"," : "[");
            NotNull(type);
            _out.Append(nullFirst ? "]" : ",\"null\"]");
            return;
        }

        NotNull(type);
    }

    private void NotNull(TypeRef type)
    {
        switch (type.Kind)
        {
            case ValueKind.Boolean: _out.Append("\"boolean\""); break;
            case ValueKind.Int: _out.Append("\"int\""); break;
            case ValueKind.Long or ValueKind.TimeSpan: _out.Append("\"long\""); break;
            case ValueKind.Float: _out.Append("\"float\""); break;
            case ValueKind.Double: _out.Append("\"double\""); break;
            case ValueKind.String: _out.Append("\"string\""); break;
            case ValueKind.Bytes or ValueKind.Memory: _out.Append("\"bytes\""); break;
            case ValueKind.Guid: Logical("string", "uuid"); break;
            case ValueKind.DateTime or ValueKind.DateTimeOffset: Logical("long", "timestamp-micros"); break;
            case ValueKind.DateOnly: Logical("int", "date"); break;
            case ValueKind.TimeOnly: Logical("long", "time-micros"); break;
            case ValueKind.Decimal:
                Logical("bytes", "decimal", ",\"precision\":" + type.Precision.ToString(CultureInfo.InvariantCulture)
                    + ",\"scale\":" + type.Scale.ToString(CultureInfo.InvariantCulture));
                break;
            case ValueKind.Enum or ValueKind.Record:
                Named(_types[type.Target!]);
                break;
            case ValueKind.Array:
                _out.Append(_canonical ? "{\"type\":\"array\",\"items\":" : "{\"type\":\"array\",\"items\":");
                Type(type.Element!, nullFirst: true);
                _out.Append('}');
                break;
            case ValueKind.Map:
                _out.Append("{\"type\":\"map\",\"values\":");
                Type(type.Element!, nullFirst: true);
                _out.Append('}');
                break;
        }
    }

    // see Avro spec, "Parsing Canonical Form": [STRIP] drops logicalType and its attributes, [PRIMITIVES] unwraps.
    private void Logical(string underlying, string logicalType, string extra = "")
    {
        if (_canonical)
        {
            String(underlying);
            return;
        }

        _out.Append("{\"type\":");
        String(underlying);
        _out.Append(",\"logicalType\":");
        String(logicalType);
        _out.Append(extra).Append('}');
    }

    private void Optional(string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        _out.Append(",\"").Append(name).Append("\":");
        String(value);
    }

    private void Aliases(EquatableArray<string> aliases)
    {
        if (aliases.Count == 0)
        {
            return;
        }

        _out.Append(",\"aliases\":[");
        Join(aliases, String);
        _out.Append(']');
    }

    private void Join<T>(IEnumerable<T> items, System.Action<T> write)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                _out.Append(',');
            }

            write(item);
            first = false;
        }
    }

    private void String(string value)
    {
        _out.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _out.Append("\\\""); break;
                case '\\': _out.Append("\\\\"); break;
                case '\n': _out.Append("\\n"); break;
                case '\r': _out.Append("\\r"); break;
                case '\t': _out.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        _out.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _out.Append(c);
                    }

                    break;
            }
        }

        _out.Append('"');
    }

    public static IReadOnlyDictionary<string, TypeSpec> Index(IEnumerable<TypeSpec> types) =>
        types.GroupBy(t => t.FullyQualifiedName).ToDictionary(g => g.Key, g => g.First());
}
