using OutboxSdk.Avro;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Registration;

namespace OutboxSdk.Relay;

/// <summary>
/// Decodes with the compile-time types of <see cref="OutboxTypeRegistry"/>: only payloads written with exactly a
/// registered type's schema. Older writer schemas need the schema registry (outbox.schemas), which replaces this.
/// </summary>
internal sealed class RegistryMessageDecoder : IMessageDecoder
{
    private readonly Dictionary<long, OutboxMessageType> _byFingerprint = [];

    public RegistryMessageDecoder(OutboxTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var message in registry.Messages)
        {
            _byFingerprint.TryAdd(message.Fingerprint, message);
        }
    }

    public object Decode(string subject, long fingerprint, ReadOnlyMemory<byte> payload)
    {
        long written;
        try
        {
            // see Avro spec 1.12 "Single-object encoding": C3 01, 8-byte little-endian fingerprint, datum.
            written = SingleObjectEncoding.ReadHeader(payload.Span, out _);
        }
        catch (AvroException e)
        {
            throw new MessageDecodeException($"payload is not Avro single-object encoded: {e.Message}", e);
        }

        if (written != fingerprint)
        {
            throw new MessageDecodeException($"payload fingerprint {written} differs from the row's schema_fingerprint {fingerprint}");
        }

        if (!_byFingerprint.TryGetValue(fingerprint, out var type))
        {
            throw new MessageDecodeException($"unknown fingerprint {fingerprint} for subject '{subject}': no registered message type has this schema");
        }

        try
        {
            return type.Deserialize(payload[SingleObjectEncoding.HeaderLength..]);
        }
        catch (AvroException e)
        {
            throw new MessageDecodeException($"payload of subject '{subject}' does not decode as {type.ClrType}: {e.Message}", e);
        }
    }
}
