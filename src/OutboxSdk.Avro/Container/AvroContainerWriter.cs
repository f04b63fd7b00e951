using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.IO;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// Writes an object container file (see Avro spec, "Object Container Files"): the header, then blocks of about
/// <c>blockSize</c> bytes of serialized objects, each compressed with the codec and followed by the sync marker.
/// Memory stays bounded by one block. Dispose (or <see cref="Flush"/>) writes the last block.
/// </summary>
public sealed class AvroContainerWriter : IDisposable
{
    /// <summary>The default uncompressed block size: 64 KiB, as Apache Avro's Java writer uses.</summary>
    public const int DefaultBlockSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _blockSize;
    private readonly byte[] _sync;
    private readonly ArrayBufferWriter<byte> _block = new();
    private readonly ArrayBufferWriter<byte> _compressed = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(64);
    private long _count;
    private bool _disposed;

    /// <summary>
    /// Starts a file on <paramref name="stream"/> for datums of <paramref name="schema"/>. User
    /// <paramref name="metadata"/> may not use the reserved <c>avro.</c> prefix.
    /// </summary>
    public AvroContainerWriter(Stream stream, AvroSchema schema, AvroCodec? codec = null, int blockSize = DefaultBlockSize,
        IReadOnlyDictionary<string, byte[]>? metadata = null, bool leaveOpen = false, ReadOnlyMemory<byte>? syncMarker = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        Codec = codec ?? AvroCodecs.Null;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _blockSize = blockSize;
        _leaveOpen = leaveOpen;
        _sync = syncMarker?.ToArray() ?? RandomNumberGenerator.GetBytes(ContainerFormat.SyncLength);
        if (_sync.Length != ContainerFormat.SyncLength)
        {
            throw new ArgumentException("The sync marker must be 16 bytes.", nameof(syncMarker));
        }

        WriteHeader(metadata);
    }

    /// <summary>The schema every datum is written with.</summary>
    public AvroSchema Schema { get; }

    /// <summary>The block codec.</summary>
    public AvroCodec Codec { get; }

    /// <summary>Appends a generic datum; throws <see cref="AvroTypeException"/> when it does not match the schema (nothing is written then).</summary>
    public void Append(object? datum)
    {
        _scratch.ResetWrittenCount();
        GenericDatumWriter.Write(Schema, datum, _scratch);
        AppendEncoded(_scratch.WrittenSpan);
    }

    /// <summary>Appends one datum already in the binary encoding of <see cref="Schema"/>.</summary>
    public void AppendEncoded(ReadOnlySpan<byte> datum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _block.Write(datum);
        _count++;
        if (_block.WrittenCount >= _blockSize)
        {
            WriteBlock();
        }
    }

    /// <summary>Writes the pending block, if any, and flushes the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteBlock();
        _stream.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        WriteBlock();
        _stream.Flush();
        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void WriteHeader(IReadOnlyDictionary<string, byte[]>? metadata)
    {
        var entries = new List<KeyValuePair<string, byte[]>>
        {
            new(ContainerFormat.SchemaKey, Encoding.UTF8.GetBytes(Schema.ToString())),
            new(ContainerFormat.CodecKey, Encoding.UTF8.GetBytes(Codec.Name)),
        };
        foreach (var entry in metadata ?? new Dictionary<string, byte[]>())
        {
            if (entry.Key.StartsWith("avro.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"The metadata key '{entry.Key}' uses the reserved prefix 'avro.'.", nameof(metadata));
            }

            entries.Add(entry);
        }

        var header = new ArrayBufferWriter<byte>();
        header.Write(ContainerFormat.Magic);
        var w = new AvroBinaryWriter(header);
        w.WriteBlockCount(entries.Count);
        foreach (var (key, value) in entries)
        {
            w.WriteString(key);
            w.WriteBytes(value);
        }

        w.WriteBlockCount(0);
        w.WriteFixed(_sync);
        _stream.Write(header.WrittenSpan);
    }

    private void WriteBlock()
    {
        if (_count == 0)
        {
            return;
        }

        ReadOnlySpan<byte> data = _block.WrittenSpan;
        if (Codec is not NullCodec)
        {
            _compressed.ResetWrittenCount();
            Codec.Compress(data, _compressed);
            data = _compressed.WrittenSpan;
        }

        Span<byte> prefix = stackalloc byte[2 * VarInt.MaxLongBytes];
        var n = VarInt.WriteLong(prefix, _count);
        n += VarInt.WriteLong(prefix[n..], data.Length);
        _stream.Write(prefix[..n]);
        _stream.Write(data);
        _stream.Write(_sync);
        _block.ResetWrittenCount();
        _count = 0;
    }
}
