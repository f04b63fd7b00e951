using System.Buffers;
using System.Collections.Concurrent;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Serialization;

/// <summary>
/// Turns a datum written with another version of a reader schema into the reader schema's own binary encoding,
/// which a generated decoder (it reads only its own schema) can then read. The datum is resolved per the Avro
/// specification ("Schema Resolution") by a <see cref="GenericDatumReader"/> compiled once per writer fingerprint
/// and cached, then re-encoded: the slow path for old data, shared by <see cref="AvroSerializer.Deserialize{T}(ReadOnlySpan{byte}, AvroSchema)"/>
/// and the outbox's schema registry. Thread-safe.
/// </summary>
public sealed class SchemaVersionResolver
{
    // Keyed by the writer's fingerprint: the canonical form holds everything that decides how its bytes decode,
    // and the reader schema is fixed per instance (its defaults and aliases, which the canonical form drops, matter).
    private readonly ConcurrentDictionary<long, GenericDatumReader> _readers = new();

    /// <summary>Creates a resolver into <paramref name="readerSchema"/>.</summary>
    public SchemaVersionResolver(AvroSchema readerSchema)
    {
        ArgumentNullException.ThrowIfNull(readerSchema);
        ReaderSchema = readerSchema;
    }

    /// <summary>The schema data is resolved into.</summary>
    public AvroSchema ReaderSchema { get; }

    /// <summary>
    /// Reads the datum <paramref name="data"/> written with <paramref name="writerSchema"/> and writes it to
    /// <paramref name="output"/> in <see cref="ReaderSchema"/>'s encoding.
    /// </summary>
    /// <exception cref="AvroResolutionException">The schemas are not compatible.</exception>
    /// <exception cref="AvroFormatException">The bytes are not a datum of <paramref name="writerSchema"/>.</exception>
    public void Reencode(ReadOnlySpan<byte> data, AvroSchema writerSchema, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(writerSchema);
        ArgumentNullException.ThrowIfNull(output);
        var reader = _readers.GetOrAdd(writerSchema.Fingerprint64, static (_, s) => new GenericDatumReader(s.Writer, s.Reader), (Writer: writerSchema, Reader: ReaderSchema));
        var datum = reader.Read(data);
        GenericDatumWriter.Write(ReaderSchema, datum, output);
    }

    /// <summary>As <see cref="Reencode(ReadOnlySpan{byte}, AvroSchema, IBufferWriter{byte})"/>, into a new buffer.</summary>
    public ReadOnlyMemory<byte> Reencode(ReadOnlySpan<byte> data, AvroSchema writerSchema)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, data.Length * 2));
        Reencode(data, writerSchema, buffer);
        return buffer.WrittenMemory;
    }
}
