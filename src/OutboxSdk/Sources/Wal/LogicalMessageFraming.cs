using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The content of a table-less outbox message (<c>pg_logical_emit_message(true, prefix, content)</c>), version 1,
/// all integers big-endian (docs/replication.md, "Table-less framing"):
/// <code>
/// byte    version (1)
/// byte    flags (bit 0: a partition key follows)
/// byte[16] message id (RFC 4122 order)
/// int64   schema fingerprint
/// uint16  subject length, then the subject (UTF-8)
/// int32   key length, then the key (UTF-8)      — only with flag bit 0
/// int32   headers length, then the headers JSON (UTF-8: message_id, traceparent, tracestate)
/// ...     the Avro single-object payload, to the end
/// </code>
/// A reader rejects any other version, and lengths that run past the end, with a <see cref="FormatException"/>.
/// </summary>
internal static class LogicalMessageFraming
{
    public const byte Version = 1;

    public static byte[] Encode(Guid messageId, string subject, string? partitionKey, long fingerprint, string headers, ReadOnlySpan<byte> payload)
    {
        var subjectBytes = Encoding.UTF8.GetBytes(subject);
        if (subjectBytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"the subject is {subjectBytes.Length} bytes; at most {ushort.MaxValue} fit a table-less message", nameof(subject));
        }

        var keyBytes = partitionKey is null ? null : Encoding.UTF8.GetBytes(partitionKey);
        var headerBytes = Encoding.UTF8.GetBytes(headers);
        var output = new ArrayBufferWriter<byte>(64 + subjectBytes.Length + (keyBytes?.Length ?? 0) + headerBytes.Length + payload.Length);
        var head = output.GetSpan(26);
        head[0] = Version;
        head[1] = keyBytes is null ? (byte)0 : (byte)1;
        messageId.TryWriteBytes(head[2..], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(head[18..], fingerprint);
        output.Advance(26);
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), (ushort)subjectBytes.Length);
        output.Advance(2);
        output.Write(subjectBytes);
        if (keyBytes is not null)
        {
            WriteInt32(output, keyBytes.Length);
            output.Write(keyBytes);
        }

        WriteInt32(output, headerBytes.Length);
        output.Write(headerBytes);
        output.Write(payload);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads <paramref name="content"/>; the message's time is the transaction's commit time.</summary>
    public static Envelope Decode(ReadOnlySpan<byte> content, DateTime commitTime)
    {
        if (content.Length < 28)
        {
            throw new FormatException($"a table-less outbox message is at least 28 bytes; this one has {content.Length}");
        }

        if (content[0] != Version)
        {
            throw new FormatException($"table-less outbox message version {content[0]} is unknown; this SDK reads version {Version}");
        }

        var hasKey = (content[1] & 1) != 0;
        var messageId = new Guid(content.Slice(2, 16), bigEndian: true);
        var fingerprint = BinaryPrimitives.ReadInt64BigEndian(content[18..]);
        var rest = content[26..];
        var subject = Encoding.UTF8.GetString(Take(ref rest, BinaryPrimitives.ReadUInt16BigEndian(rest), 2, "subject"));
        string? key = null;
        if (hasKey)
        {
            key = Encoding.UTF8.GetString(Take(ref rest, ReadLength(rest, "key"), 4, "key"));
        }

        var headers = Encoding.UTF8.GetString(Take(ref rest, ReadLength(rest, "headers"), 4, "headers"));
        return new Envelope(messageId, subject, key, fingerprint, rest.ToArray(), headers, OutboxRowReader.TraceParentOf(headers), commitTime, EnvelopeSource.LogicalMessage);
    }

    private static int ReadLength(ReadOnlySpan<byte> rest, string what) => rest.Length >= 4
        ? BinaryPrimitives.ReadInt32BigEndian(rest)
        : throw new FormatException($"the table-less outbox message ends before the length of its {what}");

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> rest, int length, int prefix, string what)
    {
        if (length < 0 || rest.Length - prefix < length)
        {
            throw new FormatException($"the table-less outbox message's {what} claims {length} bytes, but only {Math.Max(0, rest.Length - prefix)} follow");
        }

        var value = rest.Slice(prefix, length);
        rest = rest[(prefix + length)..];
        return value;
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
