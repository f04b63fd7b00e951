using System.Buffers;
using System.Text;
using Avro.IO;
using Avro.Specific;
using MediatR;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Serialization;
using OurSchema = OutboxSdk.Avro.Schema.AvroSchema;

namespace OutboxSdk.ApacheAvro;

/// <summary>
/// An Apache.Avro <see cref="ISpecificRecord"/> (an avrogen class) as an outbox message: publish
/// <c>new AvroRecord&lt;T&gt;(record)</c> (or <c>outbox.PublishRecordAsync(record, tx)</c>) and handle
/// <c>INotificationHandler&lt;AvroRecord&lt;T&gt;&gt;</c>. The payload is the Avro binary encoding of <typeparamref name="T"/>'s
/// schema, written and read by Apache's <see cref="SpecificDatumWriter{T}"/> and <see cref="SpecificDatumReader{T}"/>; the
/// schema's canonical form and CRC-64-AVRO fingerprint are the ones the outbox's schema registry records for any message.
/// Register the type with <c>services.AddApacheAvroMessage&lt;T&gt;(subject)</c>.
/// </summary>
/// <typeparam name="T">The avrogen record type.</typeparam>
public sealed class AvroRecord<T> : IAvroSerializable<AvroRecord<T>>, INotification
    where T : ISpecificRecord, new()
{
    /// <summary>Wraps <paramref name="record"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public AvroRecord(T record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
    }

    /// <summary>The record.</summary>
    public T Record { get; }

    /// <summary>The schema of <typeparamref name="T"/> (its <c>_SCHEMA</c>) as JSON.</summary>
    public static string AvroSchemaJson => Contract.SchemaJson;

    /// <summary>The schema's Parsing Canonical Form.</summary>
    public static string AvroCanonicalForm => Contract.CanonicalForm;

    /// <summary>The CRC-64-AVRO fingerprint of <see cref="AvroCanonicalForm"/>.</summary>
    public static long AvroFingerprint => Contract.Fingerprint;

    /// <summary>Writes the record with Apache's <see cref="SpecificDatumWriter{T}"/>.</summary>
    public static void WriteAvro(AvroRecord<T> value, AvroBinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var stream = new MemoryStream();
        Contract.Writer.Write(value.Record, new BinaryEncoder(stream));
        writer.Output.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }

    /// <summary>Reads a record written with exactly <typeparamref name="T"/>'s schema with Apache's <see cref="SpecificDatumReader{T}"/>.</summary>
    public static AvroRecord<T> ReadAvro(ref AvroBinaryReader reader)
    {
        var unread = reader.UnreadSpan.ToArray();
        using var stream = new MemoryStream(unread, writable: false);
        var record = Contract.Reader.Read(new T(), new BinaryDecoder(stream));
        reader.Skip(stream.Position);
        return new AvroRecord<T>(record);
    }

    /// <inheritdoc />
    public override string ToString() => "AvroRecord<" + typeof(T).Name + ">(" + Record + ")";

    /// <summary><typeparamref name="T"/>'s contract, computed once.</summary>
    private static class Contract
    {
        public static readonly global::Avro.Schema Schema = new T().Schema ?? throw new InvalidOperationException($"{typeof(T)} has no Avro schema.");
        public static readonly string SchemaJson = Schema.ToString();
        public static readonly OurSchema Parsed = OurSchema.Parse(SchemaJson);
        public static readonly string CanonicalForm = Parsed.ToCanonicalForm();
        public static readonly long Fingerprint = OutboxSdk.Avro.Schema.SchemaFingerprint.Rabin(Encoding.UTF8.GetBytes(CanonicalForm));

        // One writer and one reader per thread: Apache does not document them as safe to share, and the relay decodes
        // partitions side by side.
        private static readonly ThreadLocal<SpecificDatumWriter<T>> Writers = new(static () => new(Schema));
        private static readonly ThreadLocal<SpecificDatumReader<T>> Readers = new(static () => new(Schema, Schema));

        public static SpecificDatumWriter<T> Writer => Writers.Value!;

        public static SpecificDatumReader<T> Reader => Readers.Value!;
    }
}
