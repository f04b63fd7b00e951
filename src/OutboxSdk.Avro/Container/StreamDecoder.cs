namespace OutboxSdk.Avro.Container;

/// <summary>Reads varints and exact byte runs from a stream, tracking the file offset for error messages.</summary>
internal sealed class StreamDecoder(Stream stream)
{
    public long Position { get; private set; }

    /// <summary>Reads one byte, or -1 at the end of the stream.</summary>
    public int TryReadByte()
    {
        var b = stream.ReadByte();
        if (b >= 0)
        {
            Position++;
        }

        return b;
    }

    public long ReadLong(string what)
    {
        var first = TryReadByte();
        return first >= 0 ? ContinueLong(first, what)
            : throw new AvroFormatException($"the file ends in the middle of {what}: it is truncated", Position);
    }

    /// <summary>Reads a long, or returns false when the stream ends before its first byte.</summary>
    public bool TryReadLong(string what, out long value)
    {
        var first = TryReadByte();
        value = first >= 0 ? ContinueLong(first, what) : 0;
        return first >= 0;
    }

    private long ContinueLong(int first, string what)
    {
        var start = Position - 1;
        var result = (ulong)(first & 0x7F);
        var b = first;
        for (var shift = 7; b >= 0x80; shift += 7)
        {
            b = TryReadByte();
            if (b < 0)
            {
                throw new AvroFormatException($"the file ends in the middle of {what}: it is truncated", Position);
            }

            if (shift == 63 && b > 0x01 || shift > 63)
            {
                throw new AvroFormatException($"{what} is a varint longer than 10 bytes: the file is corrupt", start);
            }

            result |= (ulong)(b & 0x7F) << shift;
        }

        return (long)(result >> 1) ^ -(long)(result & 1);
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes into <paramref name="buffer"/>, growing it as the data arrives rather
    /// than trusting the claimed length up front: a tiny file that claims a huge block allocates little.
    /// </summary>
    public void ReadInto(ref byte[] buffer, int length, string what)
    {
        const int FirstChunk = 1 << 20;
        var filled = 0;
        while (filled < length)
        {
            if (buffer.Length == filled)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, Math.Max(FirstChunk, 2L * buffer.Length)));
            }

            var want = Math.Min(length, buffer.Length) - filled;
            var read = stream.ReadAtLeast(buffer.AsSpan(filled, want), want, throwOnEndOfStream: false);
            filled += read;
            Position += read;
            if (read < want)
            {
                throw new AvroFormatException($"the file ends in the middle of {what} ({length} bytes claimed, {filled} found): it is truncated", Position);
            }
        }
    }

    public void ReadExactly(Span<byte> destination, string what)
    {
        var read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        Position += read;
        if (read < destination.Length)
        {
            throw new AvroFormatException($"the file ends in the middle of {what} ({destination.Length} bytes needed, {read} found): it is truncated", Position);
        }
    }

    /// <summary>Reads a length prefix and checks it against <paramref name="limit"/> before anything is allocated.</summary>
    public int ReadLength(string what, int limit)
    {
        var start = Position;
        var length = ReadLong(what + "'s length");
        if (length < 0)
        {
            throw new AvroFormatException($"{what}'s length is negative ({length}): the file is corrupt", start);
        }

        if (length > limit)
        {
            throw new AvroFormatException($"{what} claims {length} bytes, more than the limit of {limit}: the file is corrupt or hostile", start);
        }

        return (int)length;
    }

}
