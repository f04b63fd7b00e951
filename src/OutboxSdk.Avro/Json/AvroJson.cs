using System.Text.Encodings.Web;
using System.Text.Json;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Json;

/// <summary>
/// Avro's JSON encoding of generic datums (see Avro spec, "JSON Encoding"): unions other than null are wrapped
/// as <c>{"branch": value}</c> with the branch's type name (full name for named types), bytes and fixed are
/// strings whose code points 0-255 are the byte values, and logical types appear as their underlying type.
/// JSON has no NaN or infinities, so float and double write those as the strings "NaN", "Infinity" and
/// "-Infinity", and read them back.
/// </summary>
public static class AvroJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The JSON encoding of <paramref name="datum"/> as one line of text.</summary>
    public static string Serialize(AvroSchema schema, object? datum)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, schema, datum);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the JSON encoding of <paramref name="datum"/>.</summary>
    public static void Write(Utf8JsonWriter writer, AvroSchema schema, object? datum)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(schema);
        AvroJsonWriter.Write(writer, schema, datum);
    }

    /// <summary>
    /// Parses one datum in the JSON encoding. Throws <see cref="AvroTypeException"/> naming the JSON path of a
    /// value that does not match the schema, and <see cref="JsonException"/> for text that is not JSON.
    /// </summary>
    public static object? Deserialize(AvroSchema schema, string json)
    {
        ArgumentNullException.ThrowIfNull(schema);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1024 });
        return Read(schema, document.RootElement);
    }

    /// <summary>Converts a JSON element in the JSON encoding to a generic datum.</summary>
    public static object? Read(AvroSchema schema, JsonElement element)
    {
        try
        {
            return new AvroJsonReader(wrappedUnions: true).Read(element, schema, "$");
        }
        catch (InvalidOperationException e) when (Schema.SchemaParser.IsInvalidUnicode(e))
        {
            throw new AvroTypeException("$", "the JSON has a string that is not valid Unicode (an unpaired surrogate escape such as \\ud800)");
        }
    }

    /// <summary>
    /// Converts a field's default value to a generic datum. Defaults are written like the JSON encoding except
    /// that a union's value is not wrapped: it takes the first branch it matches.
    /// </summary>
    public static object? ReadDefault(RecordField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Default is { } value
            ? new AvroJsonReader(wrappedUnions: false).Read(value, field.Schema, "default")
            : throw new InvalidOperationException($"Field '{field.Name}' has no default.");
    }

    /// <summary>The string form of bytes in the JSON encoding: one code point per byte.</summary>
    public static string BytesToString(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = (char)source[i];
            }
        });
    }
}
