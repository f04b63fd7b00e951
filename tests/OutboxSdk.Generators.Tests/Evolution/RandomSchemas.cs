using System.Globalization;
using System.Text.Json.Nodes;

namespace OutboxSdk.Evolution.Tests;

/// <summary>
/// Seeded random Avro schemas and mutations of them, for comparing the generator's checker with the runtime's.
/// Mutations are the changes schemas really go through (fields added, removed, renamed with or without aliases,
/// defaults added or dropped, types promoted or swapped, unions widened or narrowed, enum symbols and defaults,
/// fixed sizes, decimal scales, renamed types), sometimes several at once; some results are invalid schemas.
/// </summary>
internal sealed class RandomSchemas(int seed)
{
    private static readonly string[] Primitives = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];
    private readonly Random _random = new(seed);
    private int _names;

    /// <summary>A record with a few fields of any type.</summary>
    public JsonNode Record(int depth = 0)
    {
        var fields = new JsonArray();
        var count = _random.Next(0, depth == 0 ? 5 : 3);
        for (var i = 0; i < count; i++)
        {
            fields.Add(Field("f" + i.ToString(CultureInfo.InvariantCulture), depth + 1));
        }

        var record = new JsonObject { ["type"] = "record", ["name"] = NewName("R"), ["fields"] = fields };
        if (_random.Next(4) == 0)
        {
            record["namespace"] = "ns" + _random.Next(2).ToString(CultureInfo.InvariantCulture);
        }

        return record;
    }

    /// <summary>A changed copy of <paramref name="schema"/>: each node is mutated with probability 1 in <paramref name="odds"/>.</summary>
    public JsonNode Mutate(JsonNode schema, int odds = 4)
    {
        var copy = schema.DeepClone();
        return MutateNode(copy, odds, depth: 0);
    }

    private JsonObject Field(string name, int depth)
    {
        var type = Type(depth);
        var field = new JsonObject { ["name"] = name, ["type"] = type };
        if (_random.Next(3) == 0 && TryDefault(type, out var value))
        {
            field["default"] = value;
        }

        return field;
    }

    private JsonNode Type(int depth)
    {
        var choice = _random.Next(depth > 2 ? 8 : 15);
        return choice switch
        {
            < 8 => JsonValue.Create(Primitives[choice])!,
            8 => new JsonObject { ["type"] = "array", ["items"] = Type(depth + 1) },
            9 => new JsonObject { ["type"] = "map", ["values"] = Type(depth + 1) },
            10 => Union(depth),
            11 => Enum(),
            12 => new JsonObject { ["type"] = "fixed", ["name"] = NewName("F"), ["size"] = _random.Next(1, 5) },
            13 => Decimal(),
            _ => Record(depth + 1),
        };
    }

    private JsonArray Union(int depth)
    {
        var branches = new JsonArray();
        foreach (var name in Primitives.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)))
        {
            branches.Add(name);
        }

        if (_random.Next(3) == 0)
        {
            branches.Add(_random.Next(2) == 0 ? Record(depth + 1) : Enum());
        }

        return branches;
    }

    private JsonObject Enum()
    {
        var symbols = new JsonArray();
        foreach (var symbol in new[] { "A", "B", "C", "D" }.Where(_ => _random.Next(3) > 0).DefaultIfEmpty("A"))
        {
            symbols.Add(symbol);
        }

        var result = new JsonObject { ["type"] = "enum", ["name"] = NewName("E"), ["symbols"] = symbols };
        if (_random.Next(2) == 0)
        {
            result["default"] = symbols[0]!.GetValue<string>();
        }

        return result;
    }

    private JsonObject Decimal() => new()
    {
        ["type"] = "bytes", ["logicalType"] = "decimal", ["precision"] = _random.Next(1, 6), ["scale"] = _random.Next(0, 3),
    };

    private JsonNode MutateNode(JsonNode node, int odds, int depth)
    {
        if (node is JsonObject { } obj && (string?)obj["type"] == "record")
        {
            MutateRecord(obj, odds, depth);
        }
        else if (node is JsonObject { } complex && (string?)complex["type"] is "array" or "map")
        {
            var key = (string?)complex["type"] == "array" ? "items" : "values";
            complex[key] = MutateNode(Detach(complex, key), odds, depth + 1);
        }
        else if (node is JsonArray union)
        {
            for (var i = 0; i < union.Count; i++)
            {
                var branch = union[i]!;
                union[i] = null;
                union[i] = MutateNode(branch, odds, depth + 1);
            }
        }

        if (_random.Next(odds) != 0)
        {
            return node;
        }

        switch (_random.Next(6))
        {
            case 0 when node is JsonValue:
                return JsonValue.Create(Primitives[_random.Next(Primitives.Length)])!; // a promotion, or not
            case 1 when node is not JsonArray:
                return new JsonArray(_random.Next(2) == 0 ? "null" : "string", node); // made optional (or widened)
            case 2 when node is JsonArray { Count: > 1 } union:
                var kept = union[_random.Next(union.Count)]!;
                return kept.DeepClone(); // narrowed to one branch
            case 3 when node is JsonObject { } e && (string?)e["type"] == "enum":
                MutateEnum(e);
                return e;
            case 4 when node is JsonObject { } f && (string?)f["type"] == "fixed":
                f["size"] = _random.Next(1, 5);
                return f;
            case 5 when node is JsonObject { } d && (string?)d["logicalType"] == "decimal":
                d["scale"] = _random.Next(0, 3);
                return d;
            default:
                return depth < 3 && _random.Next(3) == 0 ? Type(depth + 1) : node;
        }
    }

    private void MutateRecord(JsonObject record, int odds, int depth)
    {
        var fields = (JsonArray)record["fields"]!;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = (JsonObject)fields[i]!;
            var before = field["type"]!.ToJsonString();
            field["type"] = MutateNode(Detach(field, "type"), odds, depth + 1);
            if (field["type"]!.ToJsonString() != before)
            {
                field.Remove("default");
            }

            if (_random.Next(odds * 2) == 0)
            {
                field.Remove("default"); // default dropped, or one added
                if (_random.Next(2) == 0 && TryDefault(field["type"]!, out var value))
                {
                    field["default"] = value;
                }
            }

            if (_random.Next(odds * 3) == 0)
            {
                var old = (string)field["name"]!;
                field["name"] = old + "x"; // renamed, with or without an alias
                if (_random.Next(2) == 0)
                {
                    field["aliases"] = new JsonArray(old);
                }
            }
        }

        if (_random.Next(odds) == 0)
        {
            fields.Add(Field("g" + _random.Next(100).ToString(CultureInfo.InvariantCulture), depth + 1));
        }

        if (fields.Count > 0 && _random.Next(odds) == 0)
        {
            fields.RemoveAt(_random.Next(fields.Count));
        }

        if (_random.Next(odds * 3) == 0)
        {
            var old = (string)record["name"]!;
            record["name"] = old + "Renamed";
            if (_random.Next(2) == 0)
            {
                var space = (string?)record["namespace"];
                record["aliases"] = new JsonArray(space is null ? old : space + "." + old);
            }
        }
    }

    private void MutateEnum(JsonObject e)
    {
        var symbols = (JsonArray)e["symbols"]!;
        switch (_random.Next(3))
        {
            case 0 when !symbols.Any(s => (string?)s == "Z"):
                symbols.Add("Z");
                break;
            case 1 when symbols.Count > 1:
                var removed = (string?)symbols[^1];
                symbols.RemoveAt(symbols.Count - 1);
                if ((string?)e["default"] == removed)
                {
                    e.Remove("default");
                }

                break;
            default:
                if (e.ContainsKey("default"))
                {
                    e.Remove("default");
                }
                else
                {
                    e["default"] = (string?)symbols[0];
                }

                break;
        }
    }

    // A valid default for the type (for a union: its first branch); false when it is not worth building one.
    private static bool TryDefault(JsonNode type, out JsonNode? value)
    {
        value = null;
        switch (type)
        {
            case JsonArray { Count: > 0 } union:
                return TryDefault(union[0]!, out value);
            case JsonValue v:
                value = (string?)v switch
                {
                    "boolean" => JsonValue.Create(false),
                    "int" or "long" or "float" or "double" => JsonValue.Create(0),
                    "bytes" or "string" => JsonValue.Create(""),
                    _ => null,
                };
                return value is not null || (string?)v == "null";
            case JsonObject o when (string?)o["type"] == "enum":
                value = JsonValue.Create((string?)o["symbols"]![0]);
                return true;
            case JsonObject o when (string?)o["type"] == "array":
                value = new JsonArray();
                return true;
            case JsonObject o when (string?)o["type"] == "map":
                value = new JsonObject();
                return true;
            default:
                return false;
        }
    }

    private static JsonNode Detach(JsonObject parent, string key)
    {
        var value = parent[key]!;
        parent.Remove(key);
        return value;
    }

    private string NewName(string prefix) => prefix + (++_names).ToString(CultureInfo.InvariantCulture);
}
