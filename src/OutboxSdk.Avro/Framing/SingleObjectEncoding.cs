using System.Buffers;
using System.Buffers.Binary;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Framing;

/// <summary>
/// Avro single-object encoding (see Avro spec, "Single-object encoding"): the marker C3 01, the writer schema's
/// CRC-64-AVRO fingerprint as 8 little-endian bytes, then the datum's binary encoding.
/// </summary>
public static class SingleObjectEncoding
{
    /// <summary>The length of the header: 2 marker bytes and an 8-byte fingerprint.</summary>
    public const int HeaderLength = 10;

    private const byte Marker0 = 0xC3;
    private const byte Marker1 = 0x01;

    /// <summary>Writes the header for a datum of <paramref name="schema"/>.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, AvroSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        WriteHeader(output, schema.Fingerprint64);
    }

    /// <summary>Writes the header for a schema with the given fingerprint.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, long fingerprint)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(HeaderLength);
        span[0] = Marker0;
        span[1] = Marker1;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], fingerprint);
        output.Advance(HeaderLength);
    }

    /// <summary>True when <paramref name="message"/> starts with the single-object marker.</summary>
    public static bool HasMarker(ReadOnlySpan<byte> message) =>
        message.Length >= 2 && message[0] == Marker0 && message[1] == Marker1;

    /// <summary>
    /// Reads the header: the writer schema's fingerprint and the datum bytes after it. Throws
    /// <see cref="AvroFormatException"/> when the message is too short or lacks the marker.
    /// </summary>
    public static long ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> datum)
    {
        if (message.Length < HeaderLength)
        {
            throw new AvroFormatException($"a single-object message needs at least {HeaderLength} header bytes, it has {message.Length}", message.Length);
        }

        if (!HasMarker(message))
        {
            throw new AvroFormatException($"a single-object message must start with C3 01, it starts with {message[0]:X2} {message[1]:X2}", 0);
        }

        datum = message[HeaderLength..];
        return BinaryPrimitives.ReadInt64LittleEndian(message[2..]);
    }
}

/// <summary>
/// The Confluent Schema Registry wire format: a zero magic byte, the schema id as 4 big-endian bytes, then the
/// datum's binary encoding.
/// </summary>
public static class ConfluentFraming
{
    /// <summary>The length of the header: magic byte and schema id.</summary>
    public const int HeaderLength = 5;

    /// <summary>Writes the header for schema id <paramref name="schemaId"/>.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, int schemaId)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(HeaderLength);
        span[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], schemaId);
        output.Advance(HeaderLength);
    }

    /// <summary>Reads the schema id and the datum bytes after it; throws <see cref="AvroFormatException"/> when malformed.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> datum)
    {
        if (message.Length < HeaderLength)
        {
            throw new AvroFormatException($"a Confluent-framed message needs at least {HeaderLength} header bytes, it has {message.Length}", message.Length);
        }

        if (message[0] != 0)
        {
            throw new AvroFormatException($"a Confluent-framed message must start with the magic byte 00, it starts with {message[0]:X2}", 0);
        }

        datum = message[HeaderLength..];
        return BinaryPrimitives.ReadInt32BigEndian(message[1..]);
    }
}
