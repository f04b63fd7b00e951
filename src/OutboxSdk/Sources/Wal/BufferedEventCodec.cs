using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The bytes a streamed transaction's events are kept as until its commit: row changes, logical messages and
/// truncates, each one record. Relations are written as an index into the transaction's own list, so a record
/// keeps meaning the relation as it was when the change was made.
/// </summary>
internal static class BufferedEventCodec
{
    private const byte Change = 1;
    private const byte Message = 2;
    private const byte Truncate = 3;

    public static void Write(ArrayBufferWriter<byte> output, ReplicationEvent e, Func<PgRelation, int> relationIndex)
    {
        switch (e)
        {
            case RowChanged change:
                WriteByte(output, Change);
                WriteUInt32(output, change.Xid ?? 0);
                WriteByte(output, (byte)change.Operation);
                WriteInt32(output, relationIndex(change.Relation));
                WriteByte(output, (byte)((change.OldRow is null ? 0 : 1) | (change.OldIsKeyOnly ? 2 : 0) | (change.NewRow is null ? 0 : 4)));
                if (change.OldRow is { } old)
                {
                    WriteRow(output, old);
                }

                if (change.NewRow is { } row)
                {
                    WriteRow(output, row);
                }

                break;
            case DecodingMessage message:
                WriteByte(output, Message);
                WriteUInt32(output, message.Xid ?? 0);
                WriteByte(output, message.Transactional ? (byte)1 : (byte)0);
                WriteUInt64(output, message.MessageLsn);
                WriteUInt64(output, message.WalEnd);
                WriteBytes(output, Encoding.UTF8.GetBytes(message.Prefix));
                WriteBytes(output, message.Content);
                break;
            case TablesTruncated truncate:
                WriteByte(output, Truncate);
                WriteUInt32(output, truncate.Xid ?? 0);
                WriteByte(output, (byte)((truncate.Cascade ? 1 : 0) | (truncate.RestartIdentity ? 2 : 0)));
                WriteInt32(output, truncate.Relations.Count);
                foreach (var relation in truncate.Relations)
                {
                    WriteInt32(output, relationIndex(relation));
                }

                break;
            default:
                throw new ArgumentException($"{e.GetType().Name} is not kept in a streamed transaction", nameof(e));
        }
    }

    public static ReplicationEvent Read(ReadOnlySpan<byte> record, IReadOnlyList<PgRelation> relations)
    {
        var type = record[0];
        var xid = BinaryPrimitives.ReadUInt32LittleEndian(record[1..]);
        record = record[5..];
        switch (type)
        {
            case Change:
            {
                var operation = (RowOperation)record[0];
                var relation = relations[BinaryPrimitives.ReadInt32LittleEndian(record[1..])];
                var flags = record[5];
                record = record[6..];
                PgRow? old = null;
                PgRow? row = null;
                if ((flags & 1) != 0)
                {
                    old = ReadRow(ref record, relation);
                }

                if ((flags & 4) != 0)
                {
                    row = ReadRow(ref record, relation);
                }

                return new RowChanged(0, xid, operation, relation, old, (flags & 2) != 0, row);
            }

            case Message:
            {
                var transactional = record[0] == 1;
                var lsn = BinaryPrimitives.ReadUInt64LittleEndian(record[1..]);
                var walEnd = BinaryPrimitives.ReadUInt64LittleEndian(record[9..]);
                record = record[17..];
                var prefix = Encoding.UTF8.GetString(ReadBytes(ref record));
                return new DecodingMessage(walEnd, xid, transactional, lsn, prefix, ReadBytes(ref record).ToArray());
            }

            case Truncate:
            {
                var flags = record[0];
                var count = BinaryPrimitives.ReadInt32LittleEndian(record[1..]);
                var truncated = new PgRelation[count];
                for (var i = 0; i < count; i++)
                {
                    truncated[i] = relations[BinaryPrimitives.ReadInt32LittleEndian(record[(5 + (4 * i))..])];
                }

                return new TablesTruncated(0, xid, truncated, (flags & 1) != 0, (flags & 2) != 0);
            }

            default:
                throw new InvalidDataException($"unknown buffered event type {type}");
        }
    }

    private static void WriteRow(ArrayBufferWriter<byte> output, PgRow row)
    {
        WriteInt32(output, row.Count);
        for (var i = 0; i < row.Count; i++)
        {
            var kind = row.KindAt(i);
            WriteByte(output, (byte)kind);
            if (kind is PgColumnKind.Text or PgColumnKind.Binary)
            {
                WriteBytes(output, row.ValueAt(i));
            }
        }
    }

    private static PgRow ReadRow(ref ReadOnlySpan<byte> record, PgRelation relation)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(record);
        record = record[4..];
        var kinds = new PgColumnKind[count];
        var offsets = new (int Start, int Length)[count];
        var start = record;
        var consumed = 0;
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            kinds[i] = (PgColumnKind)start[consumed];
            consumed++;
            if (kinds[i] is PgColumnKind.Text or PgColumnKind.Binary)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(start[consumed..]);
                consumed += 4;
                offsets[i] = (consumed, length);
                consumed += length;
                total += length;
            }
        }

        // One array per row, as the reader makes them.
        var buffer = new byte[total];
        var values = new ReadOnlyMemory<byte>[count];
        var used = 0;
        for (var i = 0; i < count; i++)
        {
            if (kinds[i] is PgColumnKind.Text or PgColumnKind.Binary)
            {
                start.Slice(offsets[i].Start, offsets[i].Length).CopyTo(buffer.AsSpan(used));
                values[i] = buffer.AsMemory(used, offsets[i].Length);
                used += offsets[i].Length;
            }
        }

        record = record[consumed..];
        return new PgRow(relation, kinds, values);
    }

    private static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> record)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        var bytes = record.Slice(4, length);
        record = record[(4 + length)..];
        return bytes;
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteUInt64(ArrayBufferWriter<byte> output, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteInt32(output, bytes.Length);
        output.Write(bytes);
    }
}
