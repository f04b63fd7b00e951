using System.Text.Json;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.ChangeFeed;

/// <summary>
/// The Debezium-shaped envelope schema of one entity, built once per entity type. The envelope takes the
/// entity's namespace so the embedded entity schema resolves its own (possibly relative) names unchanged.
/// </summary>
internal static class EnvelopeSchema<T>
    where T : IAvroSerializable<T>
{
    public static readonly string Json = Build();

    public static readonly AvroSchema Parsed = AvroSchema.Parse(Json);

    private static string Build()
    {
        var entity = AvroSchema.Parse(T.AvroSchemaJson) as NamedSchema
            ?? throw new InvalidOperationException($"{typeof(T)}'s Avro schema is not a record, so it cannot be an envelope's before/after");
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("type", "record");
            json.WriteString("name", entity.Name.Name + "Envelope");
            if (entity.Name.Namespace is { Length: > 0 } space)
            {
                json.WriteString("namespace", space);
            }

            json.WriteString("doc", "A change of " + entity.Name.Name + " in Debezium's envelope (OutboxSdk change feed).");
            json.WriteStartArray("fields");
            Field(json, "before", () =>
            {
                json.WriteStartArray();
                json.WriteStringValue("null");
                json.WriteRawValue(T.AvroSchemaJson);
                json.WriteEndArray();
            }, nullDefault: true);
            Field(json, "after", () => NullableOf(json, entity.FullName), nullDefault: true);
            Field(json, "source", () => SourceRecord(json), nullDefault: false);
            Field(json, "op", () => json.WriteStringValue("string"), nullDefault: false);
            Field(json, "ts_ms", () => NullableOf(json, "long"), nullDefault: true);
            Field(json, "key", () =>
            {
                json.WriteStartArray();
                json.WriteStringValue("null");
                json.WriteStartObject();
                json.WriteString("type", "map");
                json.WriteString("values", "string");
                json.WriteEndObject();
                json.WriteEndArray();
            }, nullDefault: true);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void SourceRecord(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "record");
        json.WriteString("name", "Source");
        json.WriteString("namespace", "io.outboxsdk.changefeed");
        json.WriteStartArray("fields");
        foreach (var name in (string[])["version", "connector", "name"])
        {
            Field(json, name, () => json.WriteStringValue("string"), nullDefault: false);
        }

        Field(json, "ts_ms", () => json.WriteStringValue("long"), nullDefault: false);
        foreach (var name in (string[])["snapshot", "db", "schema", "table"])
        {
            Field(json, name, () => json.WriteStringValue("string"), nullDefault: false);
        }

        Field(json, "txId", () => NullableOf(json, "long"), nullDefault: true);
        Field(json, "lsn", () => NullableOf(json, "long"), nullDefault: true);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter json, string name, Action type, bool nullDefault)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WritePropertyName("type");
        type();
        if (nullDefault)
        {
            json.WriteNull("default");
        }

        json.WriteEndObject();
    }

    private static void NullableOf(Utf8JsonWriter json, string type)
    {
        json.WriteStartArray();
        json.WriteStringValue("null");
        json.WriteStringValue(type);
        json.WriteEndArray();
    }
}
