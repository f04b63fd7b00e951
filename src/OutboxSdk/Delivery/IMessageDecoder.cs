namespace OutboxSdk.Delivery;

/// <summary>Turns an outbox payload (Avro single-object encoding) into the message object handlers receive.</summary>
internal interface IMessageDecoder
{
    /// <summary>The decoded message.</summary>
    /// <exception cref="MessageDecodeException">The payload cannot be decoded; retrying would not help.</exception>
    /// <exception cref="UnreadableSchemaException">Another version of the application can read it, this one cannot: it waits.</exception>
    ValueTask<object> DecodeAsync(string subject, long fingerprint, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>A payload that can never be decoded (unknown fingerprint, corrupt bytes): dead-lettered at once.</summary>
internal sealed class MessageDecodeException : Exception
{
    public MessageDecodeException() { }

    public MessageDecodeException(string message) : base(message) { }

    public MessageDecodeException(string message, Exception innerException) : base(message, innerException) { }
}
