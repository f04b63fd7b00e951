using System.Buffers.Binary;
using System.Globalization;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// Decodes the raw (unframed) Snappy block format: a little-endian base-128 varint holding the uncompressed
/// length, then literal and copy elements. Every length and offset is checked before it is used, because
/// container files may come from untrusted sources.
/// </summary>
internal static class SnappyDecoder
{
    /// <summary>
    /// Reads the declared uncompressed length at the start of <paramref name="source"/> and returns it;
    /// <paramref name="headerLength"/> receives the number of bytes the varint took.
    /// </summary>
    public static int ReadLength(ReadOnlySpan<byte> source, out int headerLength)
    {
        // The Snappy format limits the length to 32 bits, so at most 5 varint bytes.
        ulong value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (i >= source.Length)
            {
                throw new AvroFormatException("snappy block ends inside its length header", i);
            }

            byte b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (value > int.MaxValue)
                {
                    throw new AvroFormatException(
                        "snappy block declares " + value.ToString(CultureInfo.InvariantCulture) + " bytes, more than a block can hold", 0);
                }

                headerLength = i + 1;
                return (int)value;
            }
        }

        throw new AvroFormatException("snappy length header is longer than 5 bytes", 4);
    }

    /// <summary>
    /// Decodes the elements of <paramref name="source"/> (starting at <paramref name="start"/>) into
    /// <paramref name="output"/>, which must be exactly the declared length and is filled completely or
    /// an <see cref="AvroFormatException"/> is thrown.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> source, int start, Span<byte> output)
    {
        int ip = start;
        int op = 0;
        while (ip < source.Length)
        {
            int elementStart = ip;
            byte tag = source[ip++];
            long length;
            long offset;
            switch (tag & 3)
            {
                case 0:
                    // Literal: lengths 1..60 live in the tag; 60..63 say 1..4 little-endian length bytes follow.
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        int count = (int)length - 59;
                        Need(source, ip, count, elementStart);
                        length = 0;
                        for (int i = 0; i < count; i++)
                        {
                            length |= (long)source[ip + i] << (8 * i);
                        }

                        ip += count;
                    }

                    length++;
                    if (length > source.Length - ip)
                    {
                        throw new AvroFormatException("snappy literal runs past the end of the block", elementStart);
                    }

                    if (length > output.Length - op)
                    {
                        throw Overrun(elementStart);
                    }

                    source.Slice(ip, (int)length).CopyTo(output[op..]);
                    ip += (int)length;
                    op += (int)length;
                    continue;
                case 1:
                    // Copy with 1-byte offset: length 4..11 in bits 2-4, offset's high 3 bits in bits 5-7.
                    Need(source, ip, 1, elementStart);
                    length = 4 + ((tag >> 2) & 7);
                    offset = ((tag & 0xE0) << 3) | source[ip];
                    ip += 1;
                    break;
                case 2:
                    // Copy with 2-byte little-endian offset, length 1..64.
                    Need(source, ip, 2, elementStart);
                    length = (tag >> 2) + 1;
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(source[ip..]);
                    ip += 2;
                    break;
                default:
                    // Copy with 4-byte little-endian offset, length 1..64.
                    Need(source, ip, 4, elementStart);
                    length = (tag >> 2) + 1;
                    offset = BinaryPrimitives.ReadUInt32LittleEndian(source[ip..]);
                    ip += 4;
                    break;
            }

            // An offset of 0 or one reaching before the output start would read bytes that do not exist.
            if (offset == 0 || offset > op)
            {
                throw new AvroFormatException(
                    "snappy copy offset " + offset.ToString(CultureInfo.InvariantCulture) + " is invalid at output position "
                    + op.ToString(CultureInfo.InvariantCulture), elementStart);
            }

            if (length > output.Length - op)
            {
                throw Overrun(elementStart);
            }

            Copy(output, op, (int)offset, (int)length);
            op += (int)length;
        }

        if (op != output.Length)
        {
            throw new AvroFormatException(
                "snappy block decodes to " + op.ToString(CultureInfo.InvariantCulture) + " bytes but declares "
                + output.Length.ToString(CultureInfo.InvariantCulture), ip);
        }
    }

    private static void Copy(Span<byte> output, int op, int offset, int length)
    {
        int from = op - offset;
        if (offset >= length)
        {
            output.Slice(from, length).CopyTo(output[op..]);
            return;
        }

        // Overlapping copy: the spec's meaning is byte by byte, repeating the last `offset` bytes.
        for (int i = 0; i < length; i++)
        {
            output[op + i] = output[from + i];
        }
    }

    private static void Need(ReadOnlySpan<byte> source, int ip, int count, int elementStart)
    {
        if (count > source.Length - ip)
        {
            throw new AvroFormatException("snappy block ends inside an element", elementStart);
        }
    }

    private static AvroFormatException Overrun(int position) =>
        new("snappy element writes past the declared uncompressed length", position);
}
