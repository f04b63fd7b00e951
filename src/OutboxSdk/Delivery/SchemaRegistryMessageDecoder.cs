using OutboxSdk.SchemaRegistry;

namespace OutboxSdk.Delivery;

/// <summary>
/// Decodes through the schema registry: the writer schema is found by the payload's fingerprint (the generated
/// types first, then <c>outbox.schemas</c>) and resolved into the subject's current type, so messages written by an
/// older version of the application still reach today's handlers.
/// </summary>
internal sealed class SchemaRegistryMessageDecoder(OutboxSchemaRegistry registry) : IMessageDecoder
{
    public async ValueTask<object> DecodeAsync(string subject, long fingerprint, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.DecodeAsync(subject, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (OutboxDecodeException e)
        {
            throw new MessageDecodeException($"{e.Message} (row schema_fingerprint {fingerprint})", e);
        }
    }
}
