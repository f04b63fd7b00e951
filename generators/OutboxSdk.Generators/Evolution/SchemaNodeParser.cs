using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Evolution;

/// <summary>Why a schema text is not a valid Avro schema: the path inside the JSON and the reason.</summary>
internal sealed class SchemaNodeException(string path, string reason)
    : Exception(path.Length == 0 ? reason : path + ": " + reason);

/// <summary>
/// Parses schema JSON (a committed history file, or the generated schema) into <see cref="SchemaNode"/>s,
/// rejecting what the Avro specification forbids (see Avro spec, "Schema Declaration" and "Names") the way the
/// runtime's parser does. Default values are only noted as present; the runtime validates them.
/// </summary>
internal sealed partial class SchemaNodeParser
{
    private readonly Dictionary<string, NamedNode> _names = new(StringComparer.Ordinal);

    private SchemaNodeParser() { }

    /// <summary>Parses <paramref name="json"/>, or throws a <see cref="SchemaNodeException"/>.</summary>
    public static SchemaNode Parse(string json)
    {
        var value = MiniJson.TryParse(json, out var error)
            ?? throw new SchemaNodeException("", "the schema is not valid JSON: " + error);
        return new SchemaNodeParser().ParseSchema(value, null, "");
    }

    private SchemaNode ParseSchema(JsonValue value, string? space, string path) => value switch
    {
        JsonValue.Str name => ResolveTypeName(name.Value, space, path),
        JsonValue.Arr union => ParseUnion(union, space, path),
        JsonValue.Obj obj => ParseObject(obj, space, path),
        _ => throw new SchemaNodeException(path, "a schema must be a type name string, an object or a union array"),
    };

    private SchemaNode ResolveTypeName(string name, string? space, string path)
    {
        if (Primitive(name) is { } kind)
        {
            return new PrimitiveNode(kind);
        }

        if (name.Length > 0 && name.IndexOf('.') < 0 && space is not null && _names.TryGetValue(space + "." + name, out var inSpace))
        {
            return inSpace;
        }

        return _names.TryGetValue(name, out var named) ? named
            : throw new SchemaNodeException(path, "unknown type '" + name + "': a named type must be defined before it is used");
    }

    private UnionNode ParseUnion(JsonValue.Arr array, string? space, string path)
    {
        var branches = new List<SchemaNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array.Items)
        {
            var branchPath = path + "[" + Index(branches.Count) + "]";
            var branch = ParseSchema(item, space, branchPath);
            if (branch.Kind == SchemaKind.Union)
            {
                throw new SchemaNodeException(branchPath, "a union may not immediately contain another union");
            }

            if (!seen.Add(branch.TypeName))
            {
                throw new SchemaNodeException(branchPath, "the union already has a branch of type '" + branch.TypeName + "'");
            }

            branches.Add(branch);
        }

        return new UnionNode(branches);
    }

    private SchemaNode ParseObject(JsonValue.Obj obj, string? space, string path)
    {
        var type = Get(obj, "type") switch
        {
            JsonValue.Str s => s.Value,
            null => throw new SchemaNodeException(path, "the schema object has no \"type\" attribute"),
            _ => throw new SchemaNodeException(Join(path, "type"), "must be a string naming a type"),
        };

        switch (type)
        {
            case "record" or "error":
                return ParseRecord(obj, space, path);
            case "enum":
                return ParseEnum(obj, space, path);
            case "fixed":
                return ParseFixed(obj, space, path);
            case "array":
                return new ArrayNode(ParseSchema(Required(obj, "items", path), space, Join(path, "items")));
            case "map":
                return new MapNode(ParseSchema(Required(obj, "values", path), space, Join(path, "values")));
        }

        if (Primitive(type) is { } kind)
        {
            var primitive = new PrimitiveNode(kind);
            ApplyLogicalType(primitive, obj, path, 0);
            return primitive;
        }

        return ResolveTypeName(type, space, Join(path, "type"));
    }

    private RecordNode ParseRecord(JsonValue.Obj obj, string? space, string path)
    {
        var (name, ns) = DefineName(obj, space, path);
        var record = new RecordNode(name, ns, Aliases(obj, ns, path));
        OptionalString(obj, "doc", path);
        Register(record, path);

        var fieldsPath = Join(path, "fields");
        if (Required(obj, "fields", path) is not JsonValue.Arr fields)
        {
            throw new SchemaNodeException(fieldsPath, "must be an array of fields");
        }

        foreach (var item in fields.Items)
        {
            var fieldPath = fieldsPath + "[" + Index(record.Fields.Count) + "]";
            var field = ParseField(item, ns, fieldPath);
            if (record.GetField(field.Name) is not null)
            {
                throw new SchemaNodeException(Join(fieldPath, "name"), "the record already has a field named '" + field.Name + "'");
            }

            record.Fields.Add(field);
        }

        return record;
    }

    private FieldNode ParseField(JsonValue item, string? space, string path)
    {
        if (item is not JsonValue.Obj obj)
        {
            throw new SchemaNodeException(path, "a field must be an object with \"name\" and \"type\"");
        }

        var name = RequiredString(obj, "name", path);
        if (!IsValidSimpleName(name))
        {
            throw new SchemaNodeException(Join(path, "name"), "'" + name + "' is not a valid field name (it must match [A-Za-z_][A-Za-z0-9_]*)");
        }

        var schema = ParseSchema(Required(obj, "type", path), space, Join(path, "type"));
        OptionalString(obj, "doc", path);
        if (OptionalString(obj, "order", path) is { } order && order is not ("ascending" or "descending" or "ignore"))
        {
            throw new SchemaNodeException(Join(path, "order"), "'" + order + "' is not a sort order (use ascending, descending or ignore)");
        }

        var aliases = StringArray(obj, "aliases", path, required: false);
        for (var i = 0; i < aliases.Count; i++)
        {
            if (!IsValidSimpleName(aliases[i]))
            {
                throw new SchemaNodeException(Join(path, "aliases") + "[" + Index(i) + "]", "'" + aliases[i] + "' is not a valid field name");
            }
        }

        return new FieldNode(name, schema, Get(obj, "default") is not null, aliases);
    }

    private EnumNode ParseEnum(JsonValue.Obj obj, string? space, string path)
    {
        var (name, ns) = DefineName(obj, space, path);
        var symbols = StringArray(obj, "symbols", path, required: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            var symbolPath = Join(path, "symbols") + "[" + Index(i) + "]";
            if (!IsValidSimpleName(symbols[i]))
            {
                throw new SchemaNodeException(symbolPath, "'" + symbols[i] + "' is not a valid symbol (it must match [A-Za-z_][A-Za-z0-9_]*)");
            }

            if (!seen.Add(symbols[i]))
            {
                throw new SchemaNodeException(symbolPath, "the symbol '" + symbols[i] + "' appears twice");
            }
        }

        var defaultSymbol = OptionalString(obj, "default", path);
        if (defaultSymbol is not null && !seen.Contains(defaultSymbol))
        {
            throw new SchemaNodeException(Join(path, "default"), "the default '" + defaultSymbol + "' is not one of the symbols");
        }

        OptionalString(obj, "doc", path);
        var node = new EnumNode(name, ns, Aliases(obj, ns, path), symbols, defaultSymbol);
        Register(node, path);
        return node;
    }

    private FixedNode ParseFixed(JsonValue.Obj obj, string? space, string path)
    {
        var (name, ns) = DefineName(obj, space, path);
        if (Int(Required(obj, "size", path)) is not { } size || size < 0)
        {
            throw new SchemaNodeException(Join(path, "size"), "must be a non-negative integer");
        }

        OptionalString(obj, "doc", path);
        var node = new FixedNode(name, ns, Aliases(obj, ns, path), size);
        ApplyLogicalType(node, obj, path, size);
        Register(node, path);
        return node;
    }

    private static (string Name, string? Namespace) DefineName(JsonValue.Obj obj, string? space, string path)
    {
        var name = RequiredString(obj, "name", path);
        var ns = space;
        switch (Get(obj, "namespace"))
        {
            case JsonValue.Str s:
                ns = s.Value;
                if (ns.Length > 0 && !IsValidFullName(ns))
                {
                    throw new SchemaNodeException(Join(path, "namespace"), "'" + ns + "' is not a valid namespace (dot-separated names of [A-Za-z_][A-Za-z0-9_]*)");
                }

                break;
            case JsonValue.Null:
                ns = null;
                break;
            case { }:
                throw new SchemaNodeException(Join(path, "namespace"), "must be a string");
        }

        if (!IsValidFullName(name))
        {
            throw new SchemaNodeException(Join(path, "name"), "'" + name + "' is not a valid name (dot-separated names of [A-Za-z_][A-Za-z0-9_]*)");
        }

        var dot = name.LastIndexOf('.');
        var (simple, qualifier) = dot >= 0 ? (name.Substring(dot + 1), name.Substring(0, dot)) : (name, string.IsNullOrEmpty(ns) ? null : ns);
        if (Primitive(simple) is not null)
        {
            throw new SchemaNodeException(Join(path, "name"), "'" + simple + "' is a primitive type name and cannot name a type");
        }

        return (simple, qualifier);
    }

    private void Register(NamedNode node, string path)
    {
        if (_names.ContainsKey(node.FullName))
        {
            throw new SchemaNodeException(Join(path, "name"), "the type '" + node.FullName + "' is already defined");
        }

        _names.Add(node.FullName, node);
    }

    // Aliases of named types are full names relative to the type's own namespace (see Avro spec, "Aliases").
    private static List<string> Aliases(JsonValue.Obj obj, string? space, string path)
    {
        var names = StringArray(obj, "aliases", path, required: false);
        for (var i = 0; i < names.Count; i++)
        {
            if (!IsValidFullName(names[i]))
            {
                throw new SchemaNodeException(Join(path, "aliases") + "[" + Index(i) + "]", "'" + names[i] + "' is not a valid name");
            }

            names[i] = names[i].IndexOf('.') >= 0 || string.IsNullOrEmpty(space) ? names[i] : space + "." + names[i];
        }

        return names;
    }
}
