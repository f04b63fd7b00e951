using System.Text.Encodings.Web;
using System.Text.Json;

namespace OutboxSdk.Avro.Schema;

/// <summary>
/// Writes a schema as complete JSON: every attribute, namespaces written only where they change, and named types
/// after their first definition referred to by full name.
/// </summary>
internal static class SchemaJsonWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static string Write(AvroSchema schema, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options with { Indented = indented }))
        {
            Write(writer, schema, null, new HashSet<string>(StringComparer.Ordinal));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Write(Utf8JsonWriter w, AvroSchema schema, string? space, HashSet<string> written)
    {
        if (schema is NamedSchema named && !written.Add(named.FullName))
        {
            w.WriteStringValue(named.FullName);
            return;
        }

        switch (schema)
        {
            case PrimitiveSchema when schema.LogicalType is null && schema.Properties.Count == 0:
                w.WriteStringValue(schema.TypeName);
                return;
            case UnionSchema union:
                w.WriteStartArray();
                foreach (var branch in union.Branches)
                {
                    Write(w, branch, space, written);
                }

                w.WriteEndArray();
                return;
        }

        w.WriteStartObject();
        w.WriteString("type", schema is RecordSchema { IsError: true } ? "error" : AvroTypeNames.Of(schema.Type));
        if (schema is NamedSchema n)
        {
            WriteNameAttributes(w, n, space);
            space = n.Name.Namespace;
        }

        switch (schema)
        {
            case RecordSchema record:
                w.WriteStartArray("fields");
                foreach (var field in record.Fields)
                {
                    WriteField(w, field, space, written);
                }

                w.WriteEndArray();
                break;
            case EnumSchema enumSchema:
                w.WriteStartArray("symbols");
                foreach (var symbol in enumSchema.Symbols)
                {
                    w.WriteStringValue(symbol);
                }

                w.WriteEndArray();
                if (enumSchema.Default is not null)
                {
                    w.WriteString("default", enumSchema.Default);
                }

                break;
            case FixedSchema fixedSchema:
                w.WriteNumber("size", fixedSchema.Size);
                break;
            case ArraySchema array:
                w.WritePropertyName("items");
                Write(w, array.Items, space, written);
                break;
            case MapSchema map:
                w.WritePropertyName("values");
                Write(w, map.Values, space, written);
                break;
        }

        if (schema.LogicalType is { } logical)
        {
            w.WriteString("logicalType", logical.Name);
            if (logical.Kind == LogicalTypeKind.Decimal)
            {
                w.WriteNumber("precision", logical.Precision);
                w.WriteNumber("scale", logical.Scale);
            }
        }

        WriteProperties(w, schema.Properties);
        w.WriteEndObject();
    }

    private static void WriteNameAttributes(Utf8JsonWriter w, NamedSchema named, string? space)
    {
        w.WriteString("name", named.Name.Name);
        if (named.Name.Namespace != space)
        {
            w.WriteString("namespace", named.Name.Namespace ?? "");
        }

        if (named.Doc is not null)
        {
            w.WriteString("doc", named.Doc);
        }

        if (named.Aliases.Count > 0)
        {
            w.WriteStartArray("aliases");
            foreach (var alias in named.Aliases)
            {
                w.WriteStringValue(alias.FullName);
            }

            w.WriteEndArray();
        }
    }

    private static void WriteField(Utf8JsonWriter w, RecordField field, string? space, HashSet<string> written)
    {
        w.WriteStartObject();
        w.WriteString("name", field.Name);
        w.WritePropertyName("type");
        Write(w, field.Schema, space, written);
        if (field.Doc is not null)
        {
            w.WriteString("doc", field.Doc);
        }

        if (field.Default is { } defaultValue)
        {
            w.WritePropertyName("default");
            defaultValue.WriteTo(w);
        }

        if (field.Order != SortOrder.Ascending)
        {
            w.WriteString("order", field.Order == SortOrder.Descending ? "descending" : "ignore");
        }

        if (field.Aliases.Count > 0)
        {
            w.WriteStartArray("aliases");
            foreach (var alias in field.Aliases)
            {
                w.WriteStringValue(alias);
            }

            w.WriteEndArray();
        }

        WriteProperties(w, field.Properties);
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyDictionary<string, string> properties)
    {
        foreach (var (name, rawJson) in properties)
        {
            w.WritePropertyName(name);
            w.WriteRawValue(rawJson, skipInputValidation: true);
        }
    }
}
