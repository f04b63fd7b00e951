using System.Buffers.Binary;

namespace OutboxSdk.Avro.Container;

/// <summary>
/// Encodes the raw (unframed) Snappy block format with a greedy hash-table matcher. Input is split into
/// 64 KiB fragments so every copy offset fits the 1- and 2-byte offset elements; the output is valid Snappy
/// that any conforming decoder reads, though it does not aim for the reference compressor's exact bytes.
/// </summary>
internal static class SnappyEncoder
{
    private const int FragmentSize = 1 << 16;
    private const int HashBits = 14;
    private const int MinMatch = 4;

    /// <summary>An upper bound of the encoded size of <paramref name="length"/> input bytes.</summary>
    public static int MaxEncodedLength(int length) => checked(32 + length + (length / 6));

    /// <summary>Encodes <paramref name="source"/> into <paramref name="output"/> and returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> output)
    {
        int op = WriteVarint(output, (uint)source.Length);
        if (source.IsEmpty)
        {
            return op;
        }

        // Positions are stored relative to the fragment start, -1 meaning empty.
        int[] table = new int[1 << HashBits];
        for (int start = 0; start < source.Length; start += FragmentSize)
        {
            int end = Math.Min(start + FragmentSize, source.Length);
            op = EncodeFragment(source[start..end], output, op, table);
        }

        return op;
    }

    private static int EncodeFragment(ReadOnlySpan<byte> fragment, Span<byte> output, int op, int[] table)
    {
        Array.Fill(table, -1);
        int literalStart = 0;
        int ip = 0;
        int misses = 0;
        int lastHashable = fragment.Length - MinMatch;
        while (ip <= lastHashable)
        {
            uint current = BinaryPrimitives.ReadUInt32LittleEndian(fragment[ip..]);
            int hash = Hash(current);
            int candidate = table[hash];
            table[hash] = ip;
            if (candidate < 0 || BinaryPrimitives.ReadUInt32LittleEndian(fragment[candidate..]) != current)
            {
                // Incompressible stretches are scanned with growing strides, so they cost little time.
                ip += 1 + (misses++ >> 5);
                continue;
            }

            misses = 0;
            int length = MinMatch;
            while (ip + length < fragment.Length && fragment[candidate + length] == fragment[ip + length])
            {
                length++;
            }

            op = WriteLiteral(fragment[literalStart..ip], output, op);
            op = WriteCopy(ip - candidate, length, output, op);
            ip += length;
            literalStart = ip;

            // Index the position just before the next search so adjacent repeats are found.
            if (ip - 1 <= lastHashable)
            {
                table[Hash(BinaryPrimitives.ReadUInt32LittleEndian(fragment[(ip - 1)..]))] = ip - 1;
            }
        }

        return WriteLiteral(fragment[literalStart..], output, op);
    }

    private static int Hash(uint value) => (int)((value * 0x1E35A7BDu) >> (32 - HashBits));

    private static int WriteVarint(Span<byte> output, uint value)
    {
        int op = 0;
        while (value >= 0x80)
        {
            output[op++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[op++] = (byte)value;
        return op;
    }

    private static int WriteLiteral(ReadOnlySpan<byte> literal, Span<byte> output, int op)
    {
        if (literal.IsEmpty)
        {
            return op;
        }

        // Literal element: length - 1 in the tag when below 60, else tags 60..63 announce 1..4 length bytes.
        uint n = (uint)literal.Length - 1;
        if (n < 60)
        {
            output[op++] = (byte)(n << 2);
        }
        else
        {
            int count = n < 1u << 8 ? 1 : n < 1u << 16 ? 2 : n < 1u << 24 ? 3 : 4;
            output[op++] = (byte)((59 + count) << 2);
            for (int i = 0; i < count; i++)
            {
                output[op++] = (byte)(n >> (8 * i));
            }
        }

        literal.CopyTo(output[op..]);
        return op + literal.Length;
    }

    private static int WriteCopy(int offset, int length, Span<byte> output, int op)
    {
        // Copy elements hold at most 64 bytes; split long matches so the last piece keeps at least 4.
        while (length >= 68)
        {
            op = WriteCopyElement(offset, 64, output, op);
            length -= 64;
        }

        if (length > 64)
        {
            op = WriteCopyElement(offset, 60, output, op);
            length -= 60;
        }

        return WriteCopyElement(offset, length, output, op);
    }

    private static int WriteCopyElement(int offset, int length, Span<byte> output, int op)
    {
        if (length >= 4 && length < 12 && offset < 2048)
        {
            // Copy with 1-byte offset: 2 bytes for short, near matches.
            output[op++] = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            output[op++] = (byte)offset;
            return op;
        }

        // Copy with 2-byte offset; fragments of 64 KiB keep every offset below 65536.
        output[op++] = (byte)(2 | ((length - 1) << 2));
        BinaryPrimitives.WriteUInt16LittleEndian(output[op..], (ushort)offset);
        return op + 2;
    }
}
