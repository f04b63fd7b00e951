using System.Collections;
using System.Text.Json;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Json;

internal static class AvroJsonWriter
{
    public static void Write(Utf8JsonWriter w, AvroSchema schema, object? datum)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                w.WriteNullValue();
                break;
            case AvroType.Boolean:
                w.WriteBooleanValue(datum is bool b ? b : throw Mismatch(schema, datum));
                break;
            case AvroType.Int:
                w.WriteNumberValue(datum is int i ? i : throw Mismatch(schema, datum));
                break;
            case AvroType.Long:
                w.WriteNumberValue(DatumCoercion.TryLong(datum, out var lng) ? lng : throw Mismatch(schema, datum));
                break;
            case AvroType.Float:
                WriteFloat(w, DatumCoercion.TryFloat(datum, out var single) ? single : throw Mismatch(schema, datum));
                break;
            case AvroType.Double:
                WriteDouble(w, DatumCoercion.TryDouble(datum, out var dbl) ? dbl : throw Mismatch(schema, datum));
                break;
            case AvroType.Bytes:
                w.WriteStringValue(AvroJson.BytesToString(DatumCoercion.TryBytes(datum, out var bytes) ? bytes.Span : throw Mismatch(schema, datum)));
                break;
            case AvroType.String:
                w.WriteStringValue(datum as string ?? throw Mismatch(schema, datum));
                break;
            case AvroType.Enum:
                w.WriteStringValue(datum switch { GenericEnum e => e.Symbol, string s => s, _ => throw Mismatch(schema, datum) });
                break;
            case AvroType.Fixed:
                w.WriteStringValue(AvroJson.BytesToString(datum switch { GenericFixed f => f.Value, byte[] b2 => b2, _ => throw Mismatch(schema, datum) }));
                break;
            case AvroType.Record:
                WriteRecord(w, (RecordSchema)schema, datum as GenericRecord ?? throw Mismatch(schema, datum));
                break;
            case AvroType.Array:
                w.WriteStartArray();
                foreach (var item in datum as IList ?? throw Mismatch(schema, datum))
                {
                    Write(w, ((ArraySchema)schema).Items, item);
                }

                w.WriteEndArray();
                break;
            case AvroType.Map:
                w.WriteStartObject();
                foreach (DictionaryEntry entry in datum as IDictionary ?? throw Mismatch(schema, datum))
                {
                    w.WritePropertyName((string)entry.Key);
                    Write(w, ((MapSchema)schema).Values, entry.Value);
                }

                w.WriteEndObject();
                break;
            case AvroType.Union:
                WriteUnion(w, (UnionSchema)schema, datum);
                break;
        }
    }

    private static void WriteRecord(Utf8JsonWriter w, RecordSchema schema, GenericRecord record)
    {
        w.WriteStartObject();
        foreach (var field in schema.Fields)
        {
            w.WritePropertyName(field.Name);
            Write(w, field.Schema, record.Schema == schema ? record[field.Position] : record[field.Name]);
        }

        w.WriteEndObject();
    }

    private static void WriteUnion(Utf8JsonWriter w, UnionSchema union, object? datum)
    {
        var index = UnionBranch.Select(union, datum);
        if (index < 0)
        {
            throw new AvroTypeException("", $"{GenericDatumWriter.Describe(datum)} matches no branch of the union {union}");
        }

        var branch = union.Branches[index];
        if (branch.Type == AvroType.Null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WritePropertyName(branch.TypeName);
        Write(w, branch, datum);
        w.WriteEndObject();
    }

    private static void WriteFloat(Utf8JsonWriter w, float value)
    {
        if (float.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static AvroTypeException Mismatch(AvroSchema schema, object? datum) =>
        new("", $"{GenericDatumWriter.Describe(datum)} is not a valid {schema.TypeName}");
}
