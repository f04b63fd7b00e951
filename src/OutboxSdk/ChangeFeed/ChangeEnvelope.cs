using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.ChangeFeed;

/// <summary>How <see cref="ChangeEnvelope"/> frames the Avro datum.</summary>
public enum ChangeEnvelopeFormat
{
    /// <summary>Avro single-object encoding: marker C3 01, the envelope schema's CRC-64-AVRO fingerprint, the datum.</summary>
    SingleObject,

    /// <summary>The plain Avro binary encoding of the datum; the reader needs <see cref="ChangeEnvelope.SchemaJson{T}"/>.</summary>
    Binary,
}

/// <summary>
/// A change as a Debezium-compatible envelope — <c>before</c>, <c>after</c>, <c>source</c>, <c>op</c>,
/// <c>ts_ms</c> — encoded in Avro, for auditing or forwarding (see docs/change-feed.md, "The envelope").
/// The schema embeds the entity's generated Avro schema as the nullable <c>before</c> and <c>after</c> record, so
/// any Avro reader (Debezium consumers, avsc, Apache Avro) decodes it. One extension: <c>key</c>, the primary
/// key as column → text, set when the before image is key-only (REPLICA IDENTITY DEFAULT), because Avro's
/// entity record cannot hold a key without inventing the other fields.
/// </summary>
// RS0026 (one overload with optional parameters): the overloads differ in what they encode (Change<T>, Truncated<T>)
// or where to (a new array, a buffer writer), never in their optional arguments, which are the same three in each.
#pragma warning disable RS0026
public static class ChangeEnvelope
{
    /// <summary>The value of <c>source.connector</c>.</summary>
    public const string Connector = "outboxsdk";

    private static readonly string Version = typeof(ChangeEnvelope).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The envelope's Avro schema for entity <typeparamref name="T"/>, as JSON.</summary>
    public static string SchemaJson<T>() where T : IAvroSerializable<T> => EnvelopeSchema<T>.Json;

    /// <summary>The envelope's parsed Avro schema for entity <typeparamref name="T"/>.</summary>
    public static AvroSchema Schema<T>() where T : IAvroSerializable<T> => EnvelopeSchema<T>.Parsed;

    /// <summary>Encodes a row change.</summary>
    /// <param name="change">The change.</param>
    /// <param name="format">Single-object (default) or plain binary.</param>
    /// <param name="processedAt">The envelope's <c>ts_ms</c>; now when null.</param>
    /// <param name="name">The envelope's <c>source.name</c> (Debezium's logical server name); the slot name when null.</param>
    public static byte[] Encode<T>(Change<T> change, ChangeEnvelopeFormat format = ChangeEnvelopeFormat.SingleObject, DateTimeOffset? processedAt = null, string? name = null)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(change);
        var output = new ArrayBufferWriter<byte>(256);
        Encode(change, output, format, processedAt, name);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a row change into <paramref name="output"/>.</summary>
    public static void Encode<T>(Change<T> change, IBufferWriter<byte> output, ChangeEnvelopeFormat format = ChangeEnvelopeFormat.SingleObject, DateTimeOffset? processedAt = null, string? name = null)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(change);
        var op = change.Operation switch
        {
            ChangeOperation.Read => "r",
            ChangeOperation.Insert => "c",
            ChangeOperation.Update => "u",
            _ => "d",
        };
        Write(output, format, change.Before, change.After, change.Source, op, processedAt, name,
            change.BeforeImage == BeforeImage.Key ? change.Key : null);
    }

    /// <summary>Encodes a truncate: <c>op</c> "t", no before and no after (as Debezium does).</summary>
    public static byte[] Encode<T>(Truncated<T> truncated, ChangeEnvelopeFormat format = ChangeEnvelopeFormat.SingleObject, DateTimeOffset? processedAt = null, string? name = null)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(truncated);
        var output = new ArrayBufferWriter<byte>(128);
        Write<T>(output, format, default, default, truncated.Source, "t", processedAt, name, null);
        return output.WrittenSpan.ToArray();
    }

    private static void Write<T>(IBufferWriter<byte> output, ChangeEnvelopeFormat format, T? before, T? after, ChangeSource source, string op,
        DateTimeOffset? processedAt, string? name, ChangeKey? key)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(output);
        if (format == ChangeEnvelopeFormat.SingleObject)
        {
            SingleObjectEncoding.WriteHeader(output, EnvelopeSchema<T>.Parsed.Fingerprint64);
        }

        // Field order and union branches follow EnvelopeSchema<T>.Json exactly (see Avro spec, "Binary Encoding").
        var writer = new AvroBinaryWriter(output);
        WriteEntity(writer, before);
        WriteEntity(writer, after);
        writer.WriteString(Version);
        writer.WriteString(Connector);
        writer.WriteString(name ?? source.SlotName);
        writer.WriteLong(source.CommitTime.ToUnixTimeMilliseconds());
        writer.WriteString(source.Snapshot ? "true" : "false");
        writer.WriteString(source.Database);
        writer.WriteString(source.Schema);
        writer.WriteString(source.Table);
        writer.WriteUnionIndex(1);
        writer.WriteLong(source.TransactionId);
        writer.WriteUnionIndex(1);
        writer.WriteLong(unchecked((long)(ulong)source.Lsn));
        writer.WriteString(op);
        writer.WriteUnionIndex(1);
        writer.WriteLong((processedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds());
        if (key is null)
        {
            writer.WriteUnionIndex(0);
            return;
        }

        writer.WriteUnionIndex(1);
        writer.WriteBlockCount(key.Columns.Count);
        for (var i = 0; i < key.Columns.Count; i++)
        {
            writer.WriteString(key.Columns[i]);
            writer.WriteString(ChangeKey.Format(key.Values[i]));
        }

        writer.WriteBlockCount(0);
    }

    private static void WriteEntity<T>(AvroBinaryWriter writer, T? value)
        where T : IAvroSerializable<T>
    {
        if (value is null)
        {
            writer.WriteUnionIndex(0);
            return;
        }

        writer.WriteUnionIndex(1);
        T.WriteAvro(value, writer);
    }
}
