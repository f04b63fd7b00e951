namespace OutboxSdk.Sources.Wal;

/// <summary>
/// An append-only log of length-prefixed records: in memory chunks while the <see cref="StreamBufferBudget"/> allows,
/// then in a temporary file that no other process can see and that is gone when the process is, however it ends. Order is kept: once a record went to the file, the following ones
/// do too. It can be cut back to an earlier length (a subtransaction's abort) and read once from the start.
/// </summary>
internal sealed class SpillableLog : IDisposable
{
    private const int ChunkSize = 16 * 1024;
    private readonly StreamBufferBudget _budget;
    private readonly List<byte[]> _chunks = [];
    private long _memoryLength;
    private FileStream? _file;
    private long _fileLength;

    public SpillableLog(StreamBufferBudget budget) => _budget = budget;

    /// <summary>The logical length: memory and file together.</summary>
    public long Length => _memoryLength + _fileLength;

    public bool HasSpilled => _file is not null;

    public void Append(ReadOnlySpan<byte> record)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, record.Length);
        var needed = 4 + record.Length;
        if (_fileLength == 0 && Reserve(needed))
        {
            WriteMemory(prefix);
            WriteMemory(record);
            return;
        }

        _file ??= OpenSpillFile();
        _file.Position = _fileLength;
        _file.Write(prefix);
        _file.Write(record);
        _fileLength += needed;
        _budget.Spilled(needed);
    }

    /// <summary>
    /// A new temporary file that disappears with the process, even a killed one: on Unix it is unlinked at once and
    /// lives on through its open handle; on Windows the system deletes a delete-on-close file when its last handle
    /// closes, which a process's end also does.
    /// </summary>
    internal static FileStream OpenSpillFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "outbox-stream-" + Guid.NewGuid().ToString("N") + ".tmp");
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        }

        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
        try
        {
            File.Delete(path);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    /// <summary>Cuts the log back to <paramref name="length"/> (a value <see cref="Length"/> had before).</summary>
    public void Truncate(long length)
    {
        if (length >= Length)
        {
            return;
        }

        if (length >= _memoryLength)
        {
            _fileLength = length - _memoryLength;
            _file!.SetLength(_fileLength);
            return;
        }

        _fileLength = 0;
        _file?.SetLength(0);
        _memoryLength = length;
        var keep = (int)((length + ChunkSize - 1) / ChunkSize);
        if (keep < _chunks.Count)
        {
            _budget.Release((long)(_chunks.Count - keep) * ChunkSize);
            _chunks.RemoveRange(keep, _chunks.Count - keep);
        }
    }

    /// <summary>
    /// The records in order. Each is valid until the next is read (one scratch buffer is reused), so the caller
    /// decodes it into objects before moving on.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<byte>> Records()
    {
        var scratch = new byte[256];
        var prefix = new byte[4];
        long position = 0;
        while (position < _memoryLength)
        {
            ReadMemory(position, prefix);
            var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (scratch.Length < length)
            {
                scratch = new byte[Math.Max(length, scratch.Length * 2)];
            }

            ReadMemory(position + 4, scratch.AsSpan(0, length));
            position += 4 + length;
            yield return scratch.AsMemory(0, length);
        }

        if (_file is null || _fileLength == 0)
        {
            yield break;
        }

        _file.Position = 0;
        long read = 0;
        while (read < _fileLength)
        {
            _file.ReadExactly(prefix);
            var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (scratch.Length < length)
            {
                scratch = new byte[Math.Max(length, scratch.Length * 2)];
            }

            _file.ReadExactly(scratch, 0, length);
            read += 4 + length;
            yield return scratch.AsMemory(0, length);
        }
    }

    public void Dispose()
    {
        _budget.Release((long)_chunks.Count * ChunkSize);
        _chunks.Clear();
        _memoryLength = 0;
        _file?.Dispose();
        _file = null;
        _fileLength = 0;
    }

    private bool Reserve(int needed)
    {
        var capacity = (long)_chunks.Count * ChunkSize;
        var missing = _memoryLength + needed - capacity;
        if (missing <= 0)
        {
            return true;
        }

        var chunks = (int)((missing + ChunkSize - 1) / ChunkSize);
        if (!_budget.TryReserve(chunks * ChunkSize))
        {
            return false;
        }

        for (var i = 0; i < chunks; i++)
        {
            _chunks.Add(new byte[ChunkSize]);
        }

        return true;
    }

    private void WriteMemory(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var chunk = _chunks[(int)(_memoryLength / ChunkSize)];
            var offset = (int)(_memoryLength % ChunkSize);
            var n = Math.Min(bytes.Length, ChunkSize - offset);
            bytes[..n].CopyTo(chunk.AsSpan(offset));
            bytes = bytes[n..];
            _memoryLength += n;
        }
    }

    private void ReadMemory(long position, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var chunk = _chunks[(int)(position / ChunkSize)];
            var offset = (int)(position % ChunkSize);
            var n = Math.Min(destination.Length, ChunkSize - offset);
            chunk.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            position += n;
        }
    }
}
