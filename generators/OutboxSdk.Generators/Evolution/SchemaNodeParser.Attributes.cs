using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OutboxSdk.Generators.Internal;

namespace OutboxSdk.Generators.Evolution;

/// <summary>Logical types, attribute access and name rules for <see cref="SchemaNodeParser"/>.</summary>
internal sealed partial class SchemaNodeParser
{
    // see Avro spec, "Logical Types": an unknown or invalid annotation is ignored and the underlying type is used.
    private static void ApplyLogicalType(SchemaNode node, JsonValue.Obj obj, string path, int fixedSize)
    {
        var name = OptionalString(obj, "logicalType", path);
        var kind = node.Kind;
        var valid = name switch
        {
            null => false,
            "decimal" => ValidDecimal(node, obj, fixedSize),
            "uuid" => kind == SchemaKind.String || (kind == SchemaKind.Fixed && fixedSize == 16),
            "date" or "time-millis" => kind == SchemaKind.Int,
            "duration" => kind == SchemaKind.Fixed && fixedSize == 12,
            "time-micros" or "timestamp-millis" or "timestamp-micros" or "timestamp-nanos" or "local-timestamp-millis"
                or "local-timestamp-micros" or "local-timestamp-nanos" => kind == SchemaKind.Long,
            _ => false,
        };
        node.LogicalType = valid ? name : null;
    }

    // see Avro spec, "Decimal": precision > 0, 0 <= scale <= precision, and a fixed must be able to hold it.
    private static bool ValidDecimal(SchemaNode node, JsonValue.Obj obj, int fixedSize)
    {
        if (node.Kind is not (SchemaKind.Bytes or SchemaKind.Fixed) || Int(Get(obj, "precision")) is not { } precision || precision <= 0)
        {
            return false;
        }

        var scale = Get(obj, "scale") is { } s ? Int(s) ?? 0 : 0;
        if (scale < 0 || scale > precision || (node.Kind == SchemaKind.Fixed && precision > MaxDecimalPrecision(fixedSize)))
        {
            return false;
        }

        node.Precision = precision;
        node.Scale = scale;
        return true;
    }

    // floor(log10(2^(8n-1) - 1)) = floor((8n-1) * log10(2)): no power of ten lies between 2^k - 1 and 2^k.
    private static long MaxDecimalPrecision(int fixedSize) =>
        fixedSize <= 0 ? 0 : (long)Math.Floor(((8.0 * fixedSize) - 1) * Math.Log10(2));

    private static SchemaKind? Primitive(string name) => name switch
    {
        "null" => SchemaKind.Null,
        "boolean" => SchemaKind.Boolean,
        "int" => SchemaKind.Int,
        "long" => SchemaKind.Long,
        "float" => SchemaKind.Float,
        "double" => SchemaKind.Double,
        "bytes" => SchemaKind.Bytes,
        "string" => SchemaKind.String,
        _ => null,
    };

    // A duplicated attribute: the last one counts, as with System.Text.Json's property lookup in the runtime.
    private static JsonValue? Get(JsonValue.Obj obj, string name)
    {
        for (var i = obj.Members.Count - 1; i >= 0; i--)
        {
            if (obj.Members[i].Key == name)
            {
                return obj.Members[i].Value;
            }
        }

        return null;
    }

    private static JsonValue Required(JsonValue.Obj obj, string name, string path) =>
        Get(obj, name) ?? throw new SchemaNodeException(path, "the \"" + name + "\" attribute is missing");

    private static string RequiredString(JsonValue.Obj obj, string name, string path) =>
        Required(obj, name, path) is JsonValue.Str s ? s.Value : throw new SchemaNodeException(Join(path, name), "must be a string");

    private static string? OptionalString(JsonValue.Obj obj, string name, string path) => Get(obj, name) switch
    {
        null or JsonValue.Null => null,
        JsonValue.Str s => s.Value,
        _ => throw new SchemaNodeException(Join(path, name), "must be a string"),
    };

    private static List<string> StringArray(JsonValue.Obj obj, string name, string path, bool required)
    {
        switch (Get(obj, name))
        {
            case null when required:
                throw new SchemaNodeException(path, "the \"" + name + "\" attribute is missing");
            case null:
                return [];
            case JsonValue.Arr array:
                return array.Items.Select((item, i) => item is JsonValue.Str s ? s.Value
                    : throw new SchemaNodeException(Join(path, name) + "[" + Index(i) + "]", "must be a string")).ToList();
            default:
                throw new SchemaNodeException(Join(path, name), "must be an array of strings");
        }
    }

    private static int? Int(JsonValue? value) =>
        value is JsonValue.Number n && int.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static bool IsValidSimpleName(string name)
    {
        if (name.Length == 0 || !(IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        return name.All(c => IsLetter(c) || c is '_' or (>= '0' and <= '9'));
    }

    private static bool IsLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsValidFullName(string name) => name.Split('.').All(IsValidSimpleName);

    private static string Join(string path, string member) => path.Length == 0 ? member : path + "." + member;

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
