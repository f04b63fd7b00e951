using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OutboxSdk.Avro.IO;

/// <summary>
/// Writes the Avro binary encoding (see Avro spec, "Binary Encoding") to an <see cref="IBufferWriter{T}"/>.
/// A thin value type over the buffer: no allocation per call.
/// </summary>
public readonly struct AvroBinaryWriter
{
    private static readonly float CanonicalNaNSingle = BitConverter.Int32BitsToSingle(0x7FC00000);
    private static readonly double CanonicalNaNDouble = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    public AvroBinaryWriter(IBufferWriter<byte> output) => _output = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>The buffer written to.</summary>
    public IBufferWriter<byte> Output => _output;

    /// <summary>A boolean: one byte, 0 or 1.</summary>
    public void WriteBoolean(bool value)
    {
        _output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _output.Advance(1);
    }

    /// <summary>An int: zig-zag variable-length.</summary>
    public void WriteInt(int value) => WriteLong(value);

    /// <summary>A long: zig-zag variable-length.</summary>
    public void WriteLong(long value)
    {
        var span = _output.GetSpan(VarInt.MaxLongBytes);
        _output.Advance(VarInt.WriteLong(span, value));
    }

    /// <summary>
    /// A float: 4 bytes little-endian IEEE 754. Every NaN is written as the canonical quiet NaN 0x7FC00000, as
    /// Java's Avro and JavaScript write it (.NET's float.NaN has the sign bit set), so equal data gives equal bytes.
    /// </summary>
    public void WriteFloat(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_output.GetSpan(4), float.IsNaN(value) ? CanonicalNaNSingle : value);
        _output.Advance(4);
    }

    /// <summary>A double: 8 bytes little-endian IEEE 754; every NaN is written as the canonical quiet NaN 0x7FF8000000000000.</summary>
    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), double.IsNaN(value) ? CanonicalNaNDouble : value);
        _output.Advance(8);
    }

    /// <summary>Bytes: a long length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        WriteFixed(value);
    }

    /// <summary>A string: a long byte length, then UTF-8.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        if (length == 0)
        {
            return;
        }

        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    /// <summary>A string already in UTF-8.</summary>
    public void WriteUtf8String(ReadOnlySpan<byte> utf8) => WriteBytes(utf8);

    /// <summary>Fixed: the bytes, no length.</summary>
    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    /// <summary>An enum: the symbol's zero-based index as an int.</summary>
    public void WriteEnum(int index) => WriteInt(index);

    /// <summary>A union: the branch's zero-based index as a long, then (by the caller) the value.</summary>
    public void WriteUnionIndex(int index) => WriteLong(index);

    /// <summary>The count that starts a block of array items or map entries; write 0 to end the array or map.</summary>
    public void WriteBlockCount(long count) => WriteLong(count);
}
