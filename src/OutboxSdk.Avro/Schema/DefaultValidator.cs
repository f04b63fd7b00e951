using System.Globalization;
using System.Text.Json;

namespace OutboxSdk.Avro.Schema;

/// <summary>
/// Checks a field default against its schema (see Avro spec, "Records", the table of default values). A union's
/// default may match any branch (Avro 1.12; earlier versions required the first).
/// </summary>
internal static class DefaultValidator
{
    public static void Validate(JsonElement value, AvroSchema schema, string path)
    {
        if (Explain(value, schema, path) is { } problem)
        {
            throw new AvroSchemaException(problem.Path, problem.Reason);
        }
    }

    public static bool Matches(JsonElement value, AvroSchema schema) => Explain(value, schema, "") is null;

    private static (string Path, string Reason)? Explain(JsonElement value, AvroSchema schema, string path)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                return value.ValueKind == JsonValueKind.Null ? null : Mismatch(path, value, "null");
            case AvroType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Mismatch(path, value, "boolean");
            case AvroType.Int:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _) ? null : Mismatch(path, value, "int (a 32-bit integer)");
            case AvroType.Long:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : Mismatch(path, value, "long (a 64-bit integer)");
            case AvroType.Float:
            case AvroType.Double:
                return value.ValueKind == JsonValueKind.Number || IsSpecialFloat(value) ? null : Mismatch(path, value, "a number");
            case AvroType.String:
                return value.ValueKind == JsonValueKind.String ? null : Mismatch(path, value, "string");
            case AvroType.Bytes:
                return IsByteString(value, -1) ? null : Mismatch(path, value, "bytes (a string of code points 0-255)");
            case AvroType.Fixed:
                var size = ((FixedSchema)schema).Size;
                return IsByteString(value, size) ? null
                    : Mismatch(path, value, "fixed (a string of " + size.ToString(CultureInfo.InvariantCulture) + " code points 0-255)");
            case AvroType.Enum:
                return value.ValueKind == JsonValueKind.String && ((EnumSchema)schema).IndexOf(value.GetString()!) >= 0
                    ? null
                    : Mismatch(path, value, "a symbol of enum " + ((EnumSchema)schema).FullName);
            case AvroType.Array:
                return ExplainArray(value, (ArraySchema)schema, path);
            case AvroType.Map:
                return ExplainMap(value, (MapSchema)schema, path);
            case AvroType.Record:
                return ExplainRecord(value, (RecordSchema)schema, path);
            case AvroType.Union:
                foreach (var branch in ((UnionSchema)schema).Branches)
                {
                    if (Explain(value, branch, path) is null)
                    {
                        return null;
                    }
                }

                return Mismatch(path, value, "any branch of the union");
            default:
                return Mismatch(path, value, schema.TypeName);
        }
    }

    private static (string, string)? ExplainArray(JsonElement value, ArraySchema schema, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Mismatch(path, value, "an array");
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (Explain(item, schema.Items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]") is { } problem)
            {
                return problem;
            }

            i++;
        }

        return null;
    }

    private static (string, string)? ExplainMap(JsonElement value, MapSchema schema, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Mismatch(path, value, "an object (a map)");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (Explain(entry.Value, schema.Values, SchemaParser.Join(path, entry.Name)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static (string, string)? ExplainRecord(JsonElement value, RecordSchema schema, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Mismatch(path, value, "an object (record " + schema.FullName + ")");
        }

        foreach (var field in schema.Fields)
        {
            if (value.TryGetProperty(field.Name, out var fieldValue))
            {
                if (Explain(fieldValue, field.Schema, SchemaParser.Join(path, field.Name)) is { } problem)
                {
                    return problem;
                }
            }
            else if (!field.HasDefault)
            {
                return (path, $"the default has no value for field '{field.Name}', which has no default of its own");
            }
        }

        return null;
    }

    internal static bool IsSpecialFloat(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity";

    private static bool IsByteString(JsonElement value, int size)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var text = value.GetString()!;
        foreach (var c in text)
        {
            if (c > '\u00FF')
            {
                return false;
            }
        }

        return size < 0 || text.Length == size;
    }

    private static (string, string) Mismatch(string path, JsonElement value, string expected) =>
        (path, "the default " + SchemaParser.Describe(value) + " is not " + (expected.StartsWith('a') ? expected : "a valid " + expected));
}
