using System.Buffers.Binary;
using System.Text;

namespace OutboxSdk.Avro.IO;

/// <summary>
/// Reads the Avro binary encoding from a span. Every read checks its bounds: truncated input, overlong varints,
/// negative lengths and lengths past the end of the input throw <see cref="AvroFormatException"/> with the byte
/// position, before anything is allocated.
/// </summary>
public ref struct AvroBinaryReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly long _baseOffset;
    private int _position;

    /// <summary>Creates a reader; <paramref name="baseOffset"/> is added to positions in error messages.</summary>
    public AvroBinaryReader(ReadOnlySpan<byte> buffer, long baseOffset = 0)
    {
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
    }

    /// <summary>The number of bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>The bytes not yet read.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte was read.</summary>
    public readonly bool IsAtEnd => _position >= _buffer.Length;

    /// <summary>The unread bytes.</summary>
    public readonly ReadOnlySpan<byte> UnreadSpan => _buffer[_position..];

    /// <summary>A boolean; bytes other than 0 and 1 are rejected.</summary>
    public bool ReadBoolean()
    {
        var b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Error("a boolean must be the byte 0 or 1, found " + b.ToString(System.Globalization.CultureInfo.InvariantCulture), _position - 1),
        };
    }

    /// <summary>An int (at most 5 varint bytes, value within 32 bits).</summary>
    public int ReadInt()
    {
        var start = _position;
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte("int");
            if (shift == 28 && b > 0x0F)
            {
                throw Error("an int varint is longer than 5 bytes or overflows 32 bits", start);
            }

            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (int)(result >> 1) ^ -(int)(result & 1);
            }
        }

        throw Error("an int varint is longer than 5 bytes", start);
    }

    /// <summary>A long (at most 10 varint bytes, value within 64 bits).</summary>
    public long ReadLong()
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte("long");
            if (shift == 63 && b > 0x01)
            {
                throw Error("a long varint is longer than 10 bytes or overflows 64 bits", start);
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (long)(result >> 1) ^ -(long)(result & 1);
            }
        }

        throw Error("a long varint is longer than 10 bytes", start);
    }

    /// <summary>A float.</summary>
    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4, "float"));

    /// <summary>A double.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "double"));

    /// <summary>Bytes, as a span over the input (copy it if it must outlive the input).</summary>
    public ReadOnlySpan<byte> ReadBytesSpan() => Take(ReadLength("bytes"), "bytes");

    /// <summary>Bytes, copied into a new array.</summary>
    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>A string; invalid UTF-8 is rejected.</summary>
    public string ReadString()
    {
        var start = _position;
        var utf8 = Take(ReadLength("string"), "string");
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8", start);
        }
    }

    /// <summary>A fixed value of <paramref name="size"/> bytes, as a span over the input.</summary>
    public ReadOnlySpan<byte> ReadFixedSpan(int size) => Take(size, "fixed");

    /// <summary>An enum index, checked against the number of symbols.</summary>
    public int ReadEnum(int symbolCount)
    {
        var start = _position;
        var index = ReadInt();
        return (uint)index < (uint)symbolCount
            ? index
            : throw Error($"enum index {index} is outside the {symbolCount} symbols of the schema", start);
    }

    /// <summary>A union branch index, checked against the number of branches.</summary>
    public int ReadUnionIndex(int branchCount)
    {
        var start = _position;
        var index = ReadLong();
        return (ulong)index < (ulong)branchCount
            ? (int)index
            : throw Error($"union branch index {index} is outside the {branchCount} branches of the schema", start);
    }

    /// <summary>
    /// The item count of the next array or map block (0 ends the array or map). A negative count is followed by
    /// the block's byte size, which is read and checked; the count returned is then positive.
    /// <paramref name="minItemSize"/> (the least bytes one item can take) lets impossible counts fail fast.
    /// </summary>
    public long ReadBlockCount(int minItemSize = 0)
    {
        var start = _position;
        var count = ReadLong();
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                throw Error("a block count is out of range", start);
            }

            count = -count;
            var size = ReadLong();
            if (size < 0 || size > Remaining)
            {
                throw Error($"a block's byte size {size} is negative or past the end of the input", start);
            }
        }

        if (minItemSize > 0 && count > Remaining / minItemSize)
        {
            throw Error($"a block claims {count} items but only {Remaining} bytes remain", start);
        }

        if (minItemSize == 0 && count > AvroLimits.MaxZeroSizeItems)
        {
            throw Error($"a block claims {count} items of a zero-byte type, more than the limit of {AvroLimits.MaxZeroSizeItems}", start);
        }

        return count;
    }

    /// <summary>
    /// For skipping: the next block's count and, when the writer gave it (negative count), its byte size; else -1.
    /// </summary>
    public long ReadBlockHeader(out long byteSize)
    {
        var start = _position;
        var count = ReadLong();
        byteSize = -1;
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                throw Error("a block count is out of range", start);
            }

            count = -count;
            byteSize = ReadLong();
            if (byteSize < 0 || byteSize > Remaining)
            {
                throw Error($"a block's byte size {byteSize} is negative or past the end of the input", start);
            }
        }

        return count;
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(long count) => Take(checked((int)Math.Min(count, int.MaxValue)), "skipped data");

    /// <summary>Skips a bytes or string value.</summary>
    public void SkipBytes() => Take(ReadLength("bytes"), "bytes");

    /// <summary>Creates the error for a problem at this reader's <paramref name="position"/>.</summary>
    public readonly AvroFormatException Error(string reason, int position) => new(reason, _baseOffset + position);

    private int ReadLength(string what)
    {
        var start = _position;
        var length = ReadLong();
        if (length < 0)
        {
            throw Error($"a {what} length is negative ({length})", start);
        }

        if (length > Remaining)
        {
            throw Error($"a {what} length of {length} bytes runs past the end of the input ({Remaining} bytes remain): the data is truncated or corrupt", start);
        }

        return (int)length;
    }

    private byte ReadByte(string what = "boolean")
    {
        if (_position >= _buffer.Length)
        {
            throw Error($"the input ends in the middle of a {what}: the data is truncated", _position);
        }

        return _buffer[_position++];
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > _buffer.Length - _position)
        {
            throw Error($"the input ends in the middle of a {what} ({count} bytes needed, {_buffer.Length - _position} remain): the data is truncated", _position);
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
