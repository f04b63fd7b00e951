using OutboxSdk.SchemaRegistry;

namespace OutboxSdk.Delivery;

/// <summary>
/// Decodes through the schema registry: the writer schema is found by the payload's fingerprint (the generated
/// types first, then <c>outbox.schemas</c>) and resolved into the subject's current type, so messages written by an
/// older version of the application still reach today's handlers. A writer schema only another version can read is
/// an <see cref="UnreadableSchemaException"/> (the message waits); anything else undecodable is a <see cref="MessageDecodeException"/>.
/// </summary>
internal sealed class SchemaRegistryMessageDecoder(OutboxSchemaRegistry registry) : IMessageDecoder
{
    public async ValueTask<object> DecodeAsync(string subject, long fingerprint, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.DecodeAsync(subject, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (OutboxDecodeException e) when (e.WriterSchemaUnreadable)
        {
            throw new UnreadableSchemaException(e.Message, subject, e.Fingerprint ?? fingerprint, e.WriterVersion, e);
        }
        catch (OutboxDecodeException e)
        {
            throw new MessageDecodeException($"{e.Message} (row schema_fingerprint {fingerprint})", e);
        }
    }
}
