using System.Globalization;
using System.Text.Json.Nodes;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Properties;

/// <summary>
/// A seeded generator of random valid Avro schemas, depth-limited: every primitive, records (nested, and
/// recursive through a ["null", Self] union), enums (with and without a default), fixed (sizes 0, 1, 12, 16...),
/// arrays, maps, unions (with null, with several named types, nested inside arrays and maps), logical types on
/// their right base types, namespaces (inherited, explicit, dotted full names, the null namespace), docs,
/// aliases, custom properties and field defaults. Names are unique. The same seed gives the same schema text.
/// </summary>
public sealed class RandomSchemas
{
    private static readonly string[] Primitives = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

    private static readonly string[] LongLogicals =
    [
        "time-micros", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
        "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos",
    ];

    private static readonly string[] Namespaces = ["ns1", "org.example", "a.b.c", "_x.y2"];

    private readonly Random _random;
    private readonly int _maxDepth;
    private readonly List<Named> _named = [];
    private readonly Stack<Named> _openRecords = new();
    private int _counter;

    public RandomSchemas(int seed, int maxDepth = 4)
    {
        _random = new Random(seed);
        _maxDepth = maxDepth;
    }

    /// <summary>A random schema's JSON for <paramref name="seed"/>; the top level is a record half of the time.</summary>
    public static string Json(int seed, int maxDepth = 4) => new RandomSchemas(seed, maxDepth).Next().ToJsonString();

    /// <summary>The parsed schema for <paramref name="seed"/>.</summary>
    public static AvroSchema Schema(int seed, int maxDepth = 4) => AvroSchema.Parse(Json(seed, maxDepth));

    /// <summary>A fresh schema (the generator is single-use per schema: names are only unique within one).</summary>
    public JsonNode Next()
    {
        _named.Clear();
        _openRecords.Clear();
        return _random.Next(2) == 0 ? Record(0, null) : Any(0, null);
    }

    private sealed record Named(string FullName, string? Namespace, string Kind, bool CanBeFirstInDefault);

    private JsonNode Any(int depth, string? space)
    {
        if (depth >= _maxDepth)
        {
            return Leaf(space);
        }

        return _random.Next(14) switch
        {
            0 or 1 => Leaf(space),
            2 => Record(depth, space),
            3 => Enum(space),
            4 => Fixed(space),
            5 => new JsonObject { ["type"] = "array", ["items"] = Any(depth + 1, space) },
            6 => new JsonObject { ["type"] = "map", ["values"] = Any(depth + 1, space) },
            7 or 8 => Union(depth, space),
            9 or 10 => Logical(space),
            11 => Reference(space) ?? Leaf(space),
            12 => new JsonObject { ["type"] = "array", ["items"] = Union(depth + 1, space) },
            _ => new JsonObject { ["type"] = "map", ["values"] = Union(depth + 1, space) },
        };
    }

    private JsonNode Leaf(string? space) => _random.Next(10) switch
    {
        0 => Enum(space),
        1 => Fixed(space),
        2 => Logical(space),
        3 => new JsonObject { ["type"] = Pick(Primitives) }, // the object form of a primitive
        _ => JsonValue.Create(Pick(Primitives))!,
    };

    private JsonNode Logical(string? space)
    {
        switch (_random.Next(8))
        {
            case 0:
                var precision = 1 + _random.Next(40);
                return new JsonObject { ["type"] = "bytes", ["logicalType"] = "decimal", ["precision"] = precision, ["scale"] = _random.Next(precision + 1) };
            case 1:
                var size = 1 + _random.Next(16);
                var max = (int)LogicalType.MaxDecimalPrecision(size);
                if (max < 1)
                {
                    goto case 0;
                }

                var p = 1 + _random.Next(max);
                return NamedFixed(space, size, new JsonObject { ["logicalType"] = "decimal", ["precision"] = p, ["scale"] = _random.Next(p + 1) });
            case 2:
                return _random.Next(2) == 0
                    ? new JsonObject { ["type"] = "string", ["logicalType"] = "uuid" }
                    : NamedFixed(space, 16, new JsonObject { ["logicalType"] = "uuid" });
            case 3:
                return new JsonObject { ["type"] = "int", ["logicalType"] = _random.Next(2) == 0 ? "date" : "time-millis" };
            case 4:
                return NamedFixed(space, 12, new JsonObject { ["logicalType"] = "duration" });
            default:
                return new JsonObject { ["type"] = "long", ["logicalType"] = Pick(LongLogicals) };
        }
    }

    private JsonObject Record(int depth, string? space)
    {
        var (nameAttributes, fullName, ns) = NewName("R", space);
        var named = new Named(fullName, ns, "record", true);
        _named.Add(named);
        _openRecords.Push(named);
        var record = new JsonObject { ["type"] = _random.Next(20) == 0 ? "error" : "record" };
        foreach (var (key, value) in nameAttributes)
        {
            record[key] = value;
        }

        Decorate(record, named: true);
        var fields = new JsonArray();
        var count = _random.Next(depth == 0 ? 1 : 0, 6);
        for (var i = 0; i < count; i++)
        {
            var fieldName = _random.Next(6) == 0 ? "_f" + i.ToString(CultureInfo.InvariantCulture) + "_X" : "f" + i.ToString(CultureInfo.InvariantCulture);
            JsonNode type;
            if (_random.Next(8) == 0)
            {
                // Recursion: a nullable reference to this record (or an enclosing one).
                var open = _openRecords.Where(r => r.Namespace is not null || ns is null).ToArray();
                type = new JsonArray("null", RefText(Pick(open), ns));
            }
            else
            {
                type = Any(depth + 1, ns);
            }

            var field = new JsonObject { ["name"] = fieldName, ["type"] = type };
            if (_random.Next(3) == 0 && DefaultFor(type) is { Has: true } defaultValue)
            {
                field["default"] = defaultValue.Value; // a JSON null when the default is null
            }

            if (_random.Next(10) == 0)
            {
                field["doc"] = "field doc \u00e9 \"quoted\"";
            }

            if (_random.Next(12) == 0)
            {
                field["aliases"] = new JsonArray("old_" + fieldName);
            }

            if (_random.Next(12) == 0)
            {
                field["order"] = Pick(["ascending", "descending", "ignore"]);
            }

            fields.Add(field);
        }

        record["fields"] = fields;
        _openRecords.Pop();
        return record;
    }

    private JsonObject Enum(string? space)
    {
        var (nameAttributes, fullName, ns) = NewName("E", space);
        _named.Add(new Named(fullName, ns, "enum", true));
        var result = new JsonObject { ["type"] = "enum" };
        foreach (var (key, value) in nameAttributes)
        {
            result[key] = value;
        }

        var symbols = new JsonArray();
        var count = 1 + _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            symbols.Add(i switch { 0 => "A", 1 => "_b", 2 => "C9", 3 => "dd_ee", _ => "S" + i.ToString(CultureInfo.InvariantCulture) });
        }

        result["symbols"] = symbols;
        if (_random.Next(3) == 0)
        {
            result["default"] = symbols[_random.Next(count)]!.GetValue<string>();
        }

        Decorate(result, named: true);
        return result;
    }

    private JsonObject Fixed(string? space) => NamedFixed(space, Pick([0, 0, 1, 2, 3, 7, 12, 16, 16, 33]), null);

    private JsonObject NamedFixed(string? space, int size, JsonObject? extra)
    {
        var (nameAttributes, fullName, ns) = NewName("F", space);
        _named.Add(new Named(fullName, ns, "fixed", true));
        var result = new JsonObject { ["type"] = "fixed" };
        foreach (var (key, value) in nameAttributes)
        {
            result[key] = value;
        }

        result["size"] = size;
        foreach (var (key, value) in extra ?? [])
        {
            result[key] = value?.DeepClone();
        }

        Decorate(result, named: true);
        return result;
    }

    private JsonArray Union(int depth, string? space)
    {
        var branches = new JsonArray();
        var used = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonNode branch, string typeName)
        {
            if (used.Add(typeName))
            {
                branches.Add(branch);
            }
        }

        if (_random.Next(3) != 0)
        {
            Add(JsonValue.Create("null")!, "null");
        }

        var count = 1 + _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            switch (_random.Next(depth + 1 >= _maxDepth ? 6 : 9))
            {
                case 0 or 1 or 2:
                    var primitive = Pick(Primitives);
                    Add(JsonValue.Create(primitive)!, primitive);
                    break;
                case 3:
                    var logical = Logical(space);
                    Add(logical, BranchName(logical, space));
                    break;
                case 4:
                    var e = Enum(space);
                    Add(e, BranchName(e, space));
                    break;
                case 5:
                    if (Reference(space) is { } reference)
                    {
                        Add(reference, BranchName(reference, space));
                    }

                    break;
                case 6:
                    var r = Record(depth + 1, space);
                    Add(r, BranchName(r, space));
                    break;
                case 7:
                    Add(new JsonObject { ["type"] = "array", ["items"] = Any(depth + 1, space) }, "array");
                    break;
                default:
                    Add(new JsonObject { ["type"] = "map", ["values"] = Any(depth + 1, space) }, "map");
                    break;
            }
        }

        if (branches.Count == 0)
        {
            branches.Add("string");
        }

        return branches;
    }

    /// <summary>The union branch name of a schema node built here (named types: the full name).</summary>
    private string BranchName(JsonNode node, string? space)
    {
        if (node is JsonValue value)
        {
            var text = value.GetValue<string>();
            return Array.IndexOf(Primitives, text) >= 0 ? text : FullNameOf(text, space);
        }

        var obj = (JsonObject)node;
        var type = obj["type"]!.GetValue<string>();
        if (type is "record" or "error" or "enum" or "fixed")
        {
            var name = obj["name"]!.GetValue<string>();
            var ns = obj["namespace"] is { } n ? n.GetValue<string>() : space;
            return name.Contains('.', StringComparison.Ordinal) || string.IsNullOrEmpty(ns) ? name : ns + "." + name;
        }

        return type;
    }

    private string FullNameOf(string reference, string? space)
    {
        if (reference.Contains('.', StringComparison.Ordinal))
        {
            return reference;
        }

        return space is not null && _named.Any(n => n.FullName == space + "." + reference) ? space + "." + reference : reference;
    }

    /// <summary>A reference to a named type defined earlier and already complete (not an open record), or null.</summary>
    private JsonNode? Reference(string? space)
    {
        var candidates = _named.Where(n => !_openRecords.Contains(n) && (n.Namespace is not null || space is null)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        return JsonValue.Create(RefText(candidates[_random.Next(candidates.Count)], space))!;
    }

    /// <summary>A reference: the simple name when the namespaces agree (sometimes), else the full name.</summary>
    private string RefText(Named named, string? space)
    {
        if (named.Namespace is null)
        {
            // A type in the null namespace can only be named from a context whose namespace is also null.
            return named.FullName;
        }

        return named.Namespace == space && _random.Next(2) == 0 ? named.FullName[(named.Namespace.Length + 1)..] : named.FullName;
    }

    private (List<(string Key, JsonNode Value)> Attributes, string FullName, string? Namespace) NewName(string prefix, string? space)
    {
        var simple = prefix + (++_counter).ToString(CultureInfo.InvariantCulture);
        var attributes = new List<(string, JsonNode)>();
        string? ns;
        switch (_random.Next(space is null ? 4 : 5))
        {
            case 0:
                // Inherit the enclosing namespace.
                ns = space;
                attributes.Add(("name", simple));
                break;
            case 1:
                ns = Pick(Namespaces);
                attributes.Add(("name", simple));
                attributes.Add(("namespace", ns));
                break;
            case 2:
                // A dotted full name wins over any namespace attribute.
                ns = Pick(Namespaces);
                attributes.Add(("name", ns + "." + simple));
                if (_random.Next(2) == 0)
                {
                    attributes.Add(("namespace", "ignored.space"));
                }

                break;
            case 3:
                ns = space ?? Pick(Namespaces);
                attributes.Add(("name", simple));
                attributes.Add(("namespace", ns));
                break;
            default:
                // Back to the null namespace inside a namespaced type.
                ns = null;
                attributes.Add(("name", simple));
                attributes.Add(("namespace", ""));
                break;
        }

        return (attributes, ns is null ? simple : ns + "." + simple, ns);
    }

    private void Decorate(JsonObject node, bool named)
    {
        if (_random.Next(8) == 0)
        {
            node["doc"] = "doc with \u00fc and \\ and \ud83d\ude00";
        }

        if (named && _random.Next(10) == 0)
        {
            node["aliases"] = new JsonArray("Alias" + (++_counter).ToString(CultureInfo.InvariantCulture));
        }

        if (_random.Next(10) == 0)
        {
            node["x-custom"] = new JsonObject { ["k"] = new JsonArray(1, "two", null) };
        }
    }

    /// <summary>A default for a schema node, when one is simple to state; null to leave the field without.</summary>
    private (bool Has, JsonNode? Value) DefaultFor(JsonNode type)
    {
        switch (type)
        {
            case JsonValue value:
                var name = value.GetValue<string>();
                return Array.IndexOf(Primitives, name) >= 0 ? PrimitiveDefault(name) : (false, null);
            case JsonArray union:
                // The default of a union is for its first branch.
                return union.Count > 0 && union[0] is JsonValue first && Array.IndexOf(Primitives, first.GetValue<string>()) >= 0
                    ? PrimitiveDefault(first.GetValue<string>())
                    : (false, null);
            case JsonObject obj:
                var kind = obj["type"]!.GetValue<string>();
                switch (kind)
                {
                    case "enum":
                        return (true, JsonValue.Create(((JsonArray)obj["symbols"]!)[0]!.GetValue<string>()));
                    case "fixed":
                        return (true, JsonValue.Create(new string('\u00ab', obj["size"]!.GetValue<int>())));
                    case "array":
                        return (true, new JsonArray());
                    case "map":
                        return (true, new JsonObject());
                    case "record":
                    case "error":
                        return (false, null);
                    default:
                        return Array.IndexOf(Primitives, kind) >= 0 ? PrimitiveDefault(kind) : (false, null);
                }

            default:
                return (false, null);
        }
    }

    private (bool Has, JsonNode? Value) PrimitiveDefault(string primitive) => primitive switch
    {
        "null" => (true, null), // JSON null: the field's default is null
        "boolean" => (true, JsonValue.Create(_random.Next(2) == 0)),
        "int" => (true, JsonValue.Create(Pick([0, -1, int.MaxValue, int.MinValue]))),
        "long" => (true, JsonValue.Create(Pick([0L, -1L, 1L << 40]))),
        "float" => (true, JsonValue.Create(Pick([0.0, 1.5, -2.25]))),
        "double" => (true, JsonValue.Create(Pick([0.0, 1e300, -0.5]))),
        "bytes" => (true, JsonValue.Create(Pick(["", "\u0000\u00ff", "abc"]))),
        "string" => (true, JsonValue.Create(Pick(["", "d\u00e9faut", "\ud83d\ude00"]))),
        _ => (false, null),
    };

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
