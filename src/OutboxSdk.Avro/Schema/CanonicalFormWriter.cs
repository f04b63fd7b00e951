using System.Globalization;
using System.Text;

namespace OutboxSdk.Avro.Schema;

/// <summary>
/// Writes the Parsing Canonical Form (see Avro spec, "Transforming into Parsing Canonical Form"): full names,
/// only the attributes that affect parsing, in the order name, type, fields, symbols, items, values, size, with
/// no white space; a named type already written is referred to by its full name.
/// </summary>
internal static class CanonicalFormWriter
{
    public static string Write(AvroSchema schema)
    {
        var builder = new StringBuilder();
        Write(schema, builder, new HashSet<string>(StringComparer.Ordinal));
        return builder.ToString();
    }

    private static void Write(AvroSchema schema, StringBuilder o, HashSet<string> written)
    {
        if (schema is NamedSchema named && !written.Add(named.FullName))
        {
            AppendString(o, named.FullName);
            return;
        }

        switch (schema)
        {
            case PrimitiveSchema:
                AppendString(o, schema.TypeName);
                break;
            case RecordSchema record:
                o.Append("{\"name\":");
                AppendString(o, record.FullName);
                o.Append(",\"type\":\"record\",\"fields\":[");
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    if (i > 0)
                    {
                        o.Append(',');
                    }

                    o.Append("{\"name\":");
                    AppendString(o, record.Fields[i].Name);
                    o.Append(",\"type\":");
                    Write(record.Fields[i].Schema, o, written);
                    o.Append('}');
                }

                o.Append("]}");
                break;
            case EnumSchema enumSchema:
                o.Append("{\"name\":");
                AppendString(o, enumSchema.FullName);
                o.Append(",\"type\":\"enum\",\"symbols\":[");
                for (var i = 0; i < enumSchema.Symbols.Count; i++)
                {
                    if (i > 0)
                    {
                        o.Append(',');
                    }

                    AppendString(o, enumSchema.Symbols[i]);
                }

                o.Append("]}");
                break;
            case FixedSchema fixedSchema:
                o.Append("{\"name\":");
                AppendString(o, fixedSchema.FullName);
                o.Append(",\"type\":\"fixed\",\"size\":").Append(fixedSchema.Size.ToString(CultureInfo.InvariantCulture)).Append('}');
                break;
            case ArraySchema array:
                o.Append("{\"type\":\"array\",\"items\":");
                Write(array.Items, o, written);
                o.Append('}');
                break;
            case MapSchema map:
                o.Append("{\"type\":\"map\",\"values\":");
                Write(map.Values, o, written);
                o.Append('}');
                break;
            case UnionSchema union:
                o.Append('[');
                for (var i = 0; i < union.Branches.Count; i++)
                {
                    if (i > 0)
                    {
                        o.Append(',');
                    }

                    Write(union.Branches[i], o, written);
                }

                o.Append(']');
                break;
        }
    }

    // [STRINGS]: characters are written as themselves; only what JSON requires is escaped. Names and symbols
    // are ASCII identifiers, so in practice nothing is.
    private static void AppendString(StringBuilder o, string value)
    {
        o.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': o.Append("\\\""); break;
                case '\\': o.Append("\\\\"); break;
                case < ' ': o.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: o.Append(c); break;
            }
        }

        o.Append('"');
    }
}
