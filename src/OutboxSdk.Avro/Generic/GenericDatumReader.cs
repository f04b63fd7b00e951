using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Resolution;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Generic;

/// <summary>
/// Reads binary-encoded datums written with <see cref="WriterSchema"/> into generic datums of
/// <see cref="ReaderSchema"/>, resolving the two per the specification (promotions, defaults for missing
/// fields, skipped writer fields, enum defaults, aliases, unions). Build one per schema pair and reuse it: the
/// resolution is compiled once. Thread-safe.
/// </summary>
public sealed class GenericDatumReader
{
    private readonly ReadPlan _plan;

    /// <summary>
    /// Compiles the resolution of <paramref name="writerSchema"/> to <paramref name="readerSchema"/> (the writer
    /// schema itself when null). Throws <see cref="AvroResolutionException"/> when no datum could be resolved.
    /// </summary>
    public GenericDatumReader(AvroSchema writerSchema, AvroSchema? readerSchema = null)
    {
        WriterSchema = writerSchema ?? throw new ArgumentNullException(nameof(writerSchema));
        ReaderSchema = readerSchema ?? writerSchema;
        _plan = SchemaResolver.Resolve(WriterSchema, ReaderSchema);
    }

    /// <summary>The schema the data was written with.</summary>
    public AvroSchema WriterSchema { get; }

    /// <summary>The schema of the datums returned.</summary>
    public AvroSchema ReaderSchema { get; }

    /// <summary>Reads one datum from <paramref name="reader"/>, leaving it after the datum.</summary>
    public object? Read(ref AvroBinaryReader reader) => _plan.Read(ref reader);

    /// <summary>Reads a buffer that holds exactly one datum; trailing bytes are an error.</summary>
    public object? Read(ReadOnlySpan<byte> datum)
    {
        var reader = new AvroBinaryReader(datum);
        var result = _plan.Read(ref reader);
        if (!reader.IsAtEnd)
        {
            throw reader.Error($"{reader.Remaining} bytes remain after the datum: the data is not a single datum of this schema", reader.Position);
        }

        return result;
    }
}
