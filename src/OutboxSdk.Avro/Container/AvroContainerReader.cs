using System.Buffers;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// Reads an object container file block by block (see Avro spec, "Object Container Files"): memory stays bounded
/// by the largest block, whatever the file's size. Every block's sync marker is checked, and a corrupt or
/// truncated file throws <see cref="AvroFormatException"/> naming the block and the byte position.
/// </summary>
public sealed class AvroContainerReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly StreamDecoder _input;
    private readonly int _maxBlockLength;
    private readonly int _minDatumSize;
    private readonly ArrayBufferWriter<byte> _decompressed = new();
    private byte[] _compressed = [];
    private long _blockIndex = -1;

    private AvroContainerReader(Stream stream, bool leaveOpen, AvroSchema? readerSchema, int maxBlockLength)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxBlockLength = maxBlockLength;
        _input = new StreamDecoder(stream);
        Header = AvroContainerHeader.Read(_input, maxBlockLength);
        DatumReader = new GenericDatumReader(Header.Schema, readerSchema);
        _minDatumSize = SchemaSizes.MinEncodedSize(Header.Schema);
    }

    /// <summary>The file's header.</summary>
    public AvroContainerHeader Header { get; }

    /// <summary>The writer schema from the header.</summary>
    public AvroSchema WriterSchema => Header.Schema;

    /// <summary>The reader that resolves the writer schema to the requested reader schema.</summary>
    public GenericDatumReader DatumReader { get; }

    /// <summary>
    /// Opens a container file and reads its header. <paramref name="readerSchema"/> (default: the writer schema)
    /// is the schema datums are resolved to. Blocks larger than <paramref name="maxBlockLength"/> bytes,
    /// compressed or not, are rejected as corrupt.
    /// </summary>
    public static AvroContainerReader Open(Stream stream, AvroSchema? readerSchema = null, bool leaveOpen = false,
        int maxBlockLength = AvroLimits.MaxContainerBlockLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = stream is BufferedStream or MemoryStream ? stream : new BufferedStream(stream, 64 * 1024);
        try
        {
            return new AvroContainerReader(buffered, leaveOpen, readerSchema, maxBlockLength);
        }
        catch
        {
            if (!leaveOpen)
            {
                buffered.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads every datum, block by block.</summary>
    public IEnumerable<object?> ReadAll()
    {
        while (TryReadBlock(out var block))
        {
            var offset = 0;
            for (long i = 0; i < block.Count; i++)
            {
                yield return ReadDatum(block, i, ref offset);
            }

            if (offset != block.Data.Length)
            {
                throw new AvroFormatException(
                    $"block {block.Index} holds {block.Data.Length - offset} bytes after its {block.Count} objects: the file is corrupt", block.FileOffset);
            }
        }
    }

    /// <summary>
    /// Reads the next block, decompressed. The block's data is valid until the next call. Returns false at the
    /// end of the file.
    /// </summary>
    public bool TryReadBlock(out AvroContainerBlock block)
    {
        var start = _input.Position;
        if (!_input.TryReadLong("a block's object count", out var count))
        {
            block = default;
            return false;
        }

        _blockIndex++;
        if (count < 0)
        {
            throw new AvroFormatException($"block {_blockIndex} has a negative object count ({count}): the file is corrupt", start);
        }

        var length = _input.ReadLength($"block {_blockIndex}", _maxBlockLength);
        var dataOffset = _input.Position;
        _input.ReadInto(ref _compressed, length, $"block {_blockIndex}");
        Span<byte> sync = stackalloc byte[ContainerFormat.SyncLength];
        _input.ReadExactly(sync, $"the sync marker after block {_blockIndex}");
        if (!sync.SequenceEqual(Header.SyncMarker.Span))
        {
            throw new AvroFormatException($"the sync marker after block {_blockIndex} does not match the header's: the file is corrupt", _input.Position - ContainerFormat.SyncLength);
        }

        ReadOnlyMemory<byte> data;
        if (Header.Codec is NullCodec)
        {
            data = _compressed.AsMemory(0, length);
        }
        else
        {
            _decompressed.ResetWrittenCount();
            try
            {
                Header.Codec.Decompress(_compressed.AsSpan(0, length), _decompressed, _maxBlockLength);
            }
            catch (AvroFormatException e)
            {
                throw new AvroFormatException($"block {_blockIndex} does not decompress with {Header.Codec.Name}: {e.Reason}", dataOffset);
            }

            data = _decompressed.WrittenMemory;
        }

        if (_minDatumSize > 0 ? count > data.Length / _minDatumSize : count > AvroLimits.MaxZeroSizeItems)
        {
            throw new AvroFormatException($"block {_blockIndex} claims {count} objects in {data.Length} bytes: the file is corrupt", start);
        }

        block = new AvroContainerBlock(_blockIndex, count, data, dataOffset, Header.Codec is NullCodec);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private object? ReadDatum(AvroContainerBlock block, long index, ref int offset)
    {
        var reader = new AvroBinaryReader(block.Data.Span[offset..], block.IsUncompressed ? block.FileOffset + offset : 0);
        try
        {
            var datum = DatumReader.Read(ref reader);
            offset += reader.Position;
            return datum;
        }
        catch (AvroFormatException e)
        {
            var where = block.IsUncompressed ? "" : $" (byte {offset + e.Position} of the decompressed block)";
            throw new AvroFormatException($"object {index} of block {block.Index}{where}: {e.Reason}",
                block.IsUncompressed ? e.Position : block.FileOffset);
        }
    }
}

/// <summary>One decompressed block of a container file.</summary>
public readonly record struct AvroContainerBlock(long Index, long Count, ReadOnlyMemory<byte> Data, long FileOffset, bool IsUncompressed);
