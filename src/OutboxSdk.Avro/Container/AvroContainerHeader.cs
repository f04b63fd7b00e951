using System.Collections.ObjectModel;
using System.Text;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Container;

/// <summary>The header of an object container file: metadata, writer schema, codec and sync marker.</summary>
public sealed class AvroContainerHeader
{
    internal AvroContainerHeader(IReadOnlyDictionary<string, byte[]> metadata, AvroSchema schema, AvroCodec codec, byte[] sync, long length)
    {
        Metadata = metadata;
        Schema = schema;
        Codec = codec;
        SyncMarker = sync;
        Length = length;
    }

    /// <summary>Every metadata entry, including <c>avro.schema</c> and <c>avro.codec</c>.</summary>
    public IReadOnlyDictionary<string, byte[]> Metadata { get; }

    /// <summary>The writer schema.</summary>
    public AvroSchema Schema { get; }

    /// <summary>The block codec.</summary>
    public AvroCodec Codec { get; }

    /// <summary>The 16-byte marker written after every block.</summary>
    public ReadOnlyMemory<byte> SyncMarker { get; }

    /// <summary>The header's length in bytes; the first block starts here.</summary>
    public long Length { get; }

    /// <summary>The writer schema's JSON exactly as the file stores it.</summary>
    public string SchemaJson => Encoding.UTF8.GetString(Metadata[ContainerFormat.SchemaKey]);

    internal static AvroContainerHeader Read(StreamDecoder input, int maxMetadataValueLength)
    {
        Span<byte> magic = stackalloc byte[4];
        input.ReadExactly(magic, "the header's magic bytes");
        if (!magic.SequenceEqual(ContainerFormat.Magic))
        {
            throw new AvroFormatException($"not an Avro object container file: it must start with 'Obj' 01, found {Convert.ToHexString(magic)}", 0);
        }

        var metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var count = input.ReadLong("the metadata block count"); count != 0; count = input.ReadLong("the metadata block count"))
        {
            if (count < 0)
            {
                count = count == long.MinValue ? throw new AvroFormatException("the metadata block count is out of range", input.Position) : -count;
                input.ReadLong("the metadata block size");
            }

            for (long i = 0; i < count; i++)
            {
                var keyBytes = new byte[input.ReadLength("a metadata key", maxMetadataValueLength)];
                input.ReadExactly(keyBytes, "a metadata key");
                var value = new byte[input.ReadLength("a metadata value", maxMetadataValueLength)];
                input.ReadExactly(value, "a metadata value");
                metadata[Encoding.UTF8.GetString(keyBytes)] = value;
            }
        }

        var sync = new byte[ContainerFormat.SyncLength];
        input.ReadExactly(sync, "the header's sync marker");

        if (!metadata.TryGetValue(ContainerFormat.SchemaKey, out var schemaBytes))
        {
            throw new AvroFormatException("the header has no avro.schema entry", input.Position);
        }

        AvroSchema schema;
        try
        {
            schema = AvroSchema.Parse(new UTF8Encoding(false, true).GetString(schemaBytes));
        }
        catch (AvroSchemaException e)
        {
            throw new AvroFormatException("the header's avro.schema is invalid: " + e.Message, input.Position);
        }
        catch (DecoderFallbackException)
        {
            throw new AvroFormatException("the header's avro.schema is not valid UTF-8", input.Position);
        }

        var codecName = metadata.TryGetValue(ContainerFormat.CodecKey, out var codecBytes) ? Encoding.UTF8.GetString(codecBytes) : "null";
        if (!AvroCodecs.TryGet(codecName, out var codec))
        {
            throw new AvroFormatException($"the file uses the codec '{codecName}', which is not supported (supported: {string.Join(", ", AvroCodecs.SupportedNames)})", input.Position);
        }

        return new AvroContainerHeader(new ReadOnlyDictionary<string, byte[]>(metadata), schema, codec, sync, input.Position);
    }
}
