using System.Globalization;
using System.Text.Json;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Json;

/// <summary>Reads JSON into generic datums, either in the JSON encoding (wrapped unions) or as a field default.</summary>
internal sealed class AvroJsonReader(bool wrappedUnions)
{
    public object? Read(JsonElement e, AvroSchema schema, string path)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                return e.ValueKind == JsonValueKind.Null ? null : throw Mismatch(path, e, schema);
            case AvroType.Boolean:
                return e.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Mismatch(path, e, schema),
                };
            case AvroType.Int:
                return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : throw Mismatch(path, e, schema, "a 32-bit integer");
            case AvroType.Long:
                return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l) ? l : throw Mismatch(path, e, schema, "a 64-bit integer");
            case AvroType.Float:
                return (float)ReadDouble(e, path, schema);
            case AvroType.Double:
                return ReadDouble(e, path, schema);
            case AvroType.Bytes:
                return ReadByteString(e, path, schema, -1);
            case AvroType.String:
                return e.ValueKind == JsonValueKind.String ? e.GetString() : throw Mismatch(path, e, schema);
            case AvroType.Enum:
                var enumSchema = (EnumSchema)schema;
                return e.ValueKind == JsonValueKind.String && enumSchema.IndexOf(e.GetString()!) >= 0
                    ? new GenericEnum(enumSchema, e.GetString()!)
                    : throw Mismatch(path, e, schema, "one of the symbols " + string.Join(", ", enumSchema.Symbols));
            case AvroType.Fixed:
                var fixedSchema = (FixedSchema)schema;
                return new GenericFixed(fixedSchema, ReadByteString(e, path, schema, fixedSchema.Size));
            case AvroType.Record:
                return ReadRecord(e, (RecordSchema)schema, path);
            case AvroType.Array:
                return ReadArray(e, (ArraySchema)schema, path);
            case AvroType.Map:
                return ReadMap(e, (MapSchema)schema, path);
            case AvroType.Union:
                return wrappedUnions ? ReadWrappedUnion(e, (UnionSchema)schema, path) : ReadDefaultUnion(e, (UnionSchema)schema, path);
            default:
                throw Mismatch(path, e, schema);
        }
    }

    private GenericRecord ReadRecord(JsonElement e, RecordSchema schema, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Mismatch(path, e, schema, "an object");
        }

        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            if (e.TryGetProperty(field.Name, out var value))
            {
                record[field.Position] = Read(value, field.Schema, path + "." + field.Name);
            }
            else if (field.HasDefault)
            {
                record[field.Position] = AvroJson.ReadDefault(field);
            }
            else
            {
                throw new AvroTypeException(path, $"the field '{field.Name}' of record {schema.FullName} is missing and has no default");
            }
        }

        foreach (var property in e.EnumerateObject())
        {
            if (schema.GetField(property.Name) is null)
            {
                throw new AvroTypeException(path, $"record {schema.FullName} has no field '{property.Name}'");
            }
        }

        return record;
    }

    private List<object?> ReadArray(JsonElement e, ArraySchema schema, string path)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw Mismatch(path, e, schema, "an array");
        }

        var list = new List<object?>(e.GetArrayLength());
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            list.Add(Read(item, schema.Items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            i++;
        }

        return list;
    }

    private Dictionary<string, object?> ReadMap(JsonElement e, MapSchema schema, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Mismatch(path, e, schema, "an object");
        }

        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var entry in e.EnumerateObject())
        {
            map[entry.Name] = Read(entry.Value, schema.Values, path + "[\"" + entry.Name + "\"]");
        }

        return map;
    }

    private object? ReadWrappedUnion(JsonElement e, UnionSchema union, string path)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return union.NullIndex >= 0 ? null : throw new AvroTypeException(path, $"null is not allowed: the union {union} has no null branch");
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new AvroTypeException(path, $"a union value must be null or an object {{\"<type>\": value}} naming its branch, not {Describe(e)}");
        }

        JsonProperty? only = null;
        foreach (var property in e.EnumerateObject())
        {
            if (only is not null)
            {
                throw new AvroTypeException(path, "a union value must name exactly one branch");
            }

            only = property;
        }

        if (only is not { } branch)
        {
            throw new AvroTypeException(path, "a union value must name exactly one branch, found {}");
        }

        var index = union.IndexOf(branch.Name);
        if (index < 0)
        {
            throw new AvroTypeException(path, $"'{branch.Name}' is not a branch of the union {union} (named types use their full name)");
        }

        return Read(branch.Value, union.Branches[index], path + "." + branch.Name);
    }

    private object? ReadDefaultUnion(JsonElement e, UnionSchema union, string path)
    {
        foreach (var branch in union.Branches)
        {
            if (DefaultValidator.Matches(e, branch))
            {
                return Read(e, branch, path);
            }
        }

        throw new AvroTypeException(path, $"{Describe(e)} matches no branch of the union {union}");
    }

    private static double ReadDouble(JsonElement e, string path, AvroSchema schema)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            return e.GetDouble();
        }

        return e.ValueKind == JsonValueKind.String
            ? e.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => throw Mismatch(path, e, schema, "a number"),
            }
            : throw Mismatch(path, e, schema, "a number");
    }

    private static byte[] ReadByteString(JsonElement e, string path, AvroSchema schema, int size)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            throw Mismatch(path, e, schema, "a string of code points 0-255");
        }

        var text = e.GetString()!;
        if (size >= 0 && text.Length != size)
        {
            throw new AvroTypeException(path, $"fixed {schema.TypeName} needs {size} bytes, the string has {text.Length} characters");
        }

        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[i] = text[i] <= '\u00FF'
                ? (byte)text[i]
                : throw new AvroTypeException(path, $"character U+{(int)text[i]:X4} at index {i} is not a byte: bytes and fixed are strings of code points 0-255");
        }

        return bytes;
    }

    private static AvroTypeException Mismatch(string path, JsonElement e, AvroSchema schema, string? expected = null) =>
        new(path, $"{Describe(e)} is not a valid {schema.TypeName}" + (expected is null ? "" : " (expected " + expected + ")"));

    private static string Describe(JsonElement e) => Schema.SchemaParser.Describe(e);
}
