using System.Buffers;
using System.Collections;
using System.Globalization;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Generic;

/// <summary>
/// Writes generic datums (see <see cref="GenericRecord"/> for the representation) in the binary encoding.
/// A datum that does not fit its schema throws <see cref="AvroTypeException"/> naming the path (<c>$.lines[2].qty</c>).
/// </summary>
public static class GenericDatumWriter
{
    /// <summary>Writes <paramref name="datum"/> as <paramref name="schema"/> to <paramref name="output"/>.</summary>
    public static void Write(AvroSchema schema, object? datum, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Write(schema, datum, new AvroBinaryWriter(output));
    }

    /// <summary>Writes <paramref name="datum"/> as <paramref name="schema"/>.</summary>
    public static void Write(AvroSchema schema, object? datum, AvroBinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            WriteDatum(schema, datum, writer);
        }
        catch (AvroTypeException e)
        {
            throw new AvroTypeException("$" + e.Path, e.Reason);
        }
    }

    /// <summary>Encodes one datum into a new array.</summary>
    public static byte[] ToArray(AvroSchema schema, object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(schema, datum, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDatum(AvroSchema schema, object? datum, AvroBinaryWriter w)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                if (datum is not null)
                {
                    throw Mismatch(schema, datum);
                }

                break;
            case AvroType.Boolean:
                w.WriteBoolean(datum is bool b ? b : throw Mismatch(schema, datum));
                break;
            case AvroType.Int:
                w.WriteInt(datum is int i ? i : throw Mismatch(schema, datum));
                break;
            case AvroType.Long:
                w.WriteLong(DatumCoercion.TryLong(datum, out var lng) ? lng : throw Mismatch(schema, datum));
                break;
            case AvroType.Float:
                w.WriteFloat(DatumCoercion.TryFloat(datum, out var single) ? single : throw Mismatch(schema, datum));
                break;
            case AvroType.Double:
                w.WriteDouble(DatumCoercion.TryDouble(datum, out var dbl) ? dbl : throw Mismatch(schema, datum));
                break;
            case AvroType.Bytes:
                w.WriteBytes(DatumCoercion.TryBytes(datum, out var bytes) ? bytes.Span : throw Mismatch(schema, datum));
                break;
            case AvroType.String:
                w.WriteString(datum as string ?? throw Mismatch(schema, datum));
                break;
            case AvroType.Record:
                WriteRecord((RecordSchema)schema, datum, w);
                break;
            case AvroType.Enum:
                WriteEnum((EnumSchema)schema, datum, w);
                break;
            case AvroType.Fixed:
                WriteFixed((FixedSchema)schema, datum, w);
                break;
            case AvroType.Array:
                WriteArray((ArraySchema)schema, datum, w);
                break;
            case AvroType.Map:
                WriteMap((MapSchema)schema, datum, w);
                break;
            case AvroType.Union:
                var union = (UnionSchema)schema;
                var index = UnionBranch.Select(union, datum);
                if (index < 0)
                {
                    throw new AvroTypeException("", $"{Describe(datum)} matches no branch of the union {union}");
                }

                w.WriteUnionIndex(index);
                WriteDatum(union.Branches[index], datum, w);
                break;
        }
    }

    private static void WriteRecord(RecordSchema schema, object? datum, AvroBinaryWriter w)
    {
        if (datum is not GenericRecord record)
        {
            throw Mismatch(schema, datum);
        }

        foreach (var field in schema.Fields)
        {
            var value = record.Schema == schema ? record[field.Position]
                : record.TryGetValue(field.Name, out var v) ? v
                : throw new AvroTypeException("." + field.Name, $"the record ({record.Schema.FullName}) has no field '{field.Name}'");
            try
            {
                WriteDatum(field.Schema, value, w);
            }
            catch (AvroTypeException e)
            {
                throw new AvroTypeException("." + field.Name + e.Path, e.Reason);
            }
        }
    }

    private static void WriteEnum(EnumSchema schema, object? datum, AvroBinaryWriter w)
    {
        var symbol = datum switch
        {
            GenericEnum e => e.Symbol,
            string s => s,
            _ => throw Mismatch(schema, datum),
        };
        var index = schema.IndexOf(symbol);
        w.WriteEnum(index >= 0 ? index : throw new AvroTypeException("", $"'{symbol}' is not a symbol of enum {schema.FullName}"));
    }

    private static void WriteFixed(FixedSchema schema, object? datum, AvroBinaryWriter w)
    {
        var bytes = datum switch
        {
            GenericFixed f => f.Value,
            byte[] b => b,
            _ => throw Mismatch(schema, datum),
        };
        if (bytes.Length != schema.Size)
        {
            throw new AvroTypeException("", $"fixed {schema.FullName} holds {schema.Size} bytes, the value has {bytes.Length}");
        }

        w.WriteFixed(bytes);
    }

    private static void WriteArray(ArraySchema schema, object? datum, AvroBinaryWriter w)
    {
        if (datum is not IList list || datum is byte[])
        {
            throw Mismatch(schema, datum);
        }

        if (list.Count > 0)
        {
            w.WriteBlockCount(list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                try
                {
                    WriteDatum(schema.Items, list[i], w);
                }
                catch (AvroTypeException e)
                {
                    throw new AvroTypeException("[" + i.ToString(CultureInfo.InvariantCulture) + "]" + e.Path, e.Reason);
                }
            }
        }

        w.WriteBlockCount(0);
    }

    private static void WriteMap(MapSchema schema, object? datum, AvroBinaryWriter w)
    {
        if (datum is not IDictionary map)
        {
            throw Mismatch(schema, datum);
        }

        if (map.Count > 0)
        {
            w.WriteBlockCount(map.Count);
            foreach (DictionaryEntry entry in map)
            {
                var key = entry.Key as string ?? throw new AvroTypeException("", "map keys must be strings, found " + Describe(entry.Key));
                w.WriteString(key);
                try
                {
                    WriteDatum(schema.Values, entry.Value, w);
                }
                catch (AvroTypeException e)
                {
                    throw new AvroTypeException("[\"" + key + "\"]" + e.Path, e.Reason);
                }
            }
        }

        w.WriteBlockCount(0);
    }

    private static AvroTypeException Mismatch(AvroSchema schema, object? datum) =>
        new("", $"{Describe(datum)} is not a valid {schema.TypeName}");

    internal static string Describe(object? datum) => datum switch
    {
        null => "null",
        string s => "the string \"" + (s.Length > 40 ? s[..37] + "..." : s) + "\"",
        GenericRecord r => "a record " + r.Schema.FullName,
        _ => "a value of .NET type " + datum.GetType().Name,
    };
}
