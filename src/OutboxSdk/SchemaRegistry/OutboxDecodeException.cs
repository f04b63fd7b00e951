namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// A stored message that cannot be decoded: its subject has no registered type, its writer schema is unknown or
/// incompatible, or its bytes are corrupt. Retrying cannot help, so the relay dead-letters it at once.
/// </summary>
public sealed class OutboxDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxDecodeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public OutboxDecodeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OutboxDecodeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a message of <paramref name="subject"/> written with <paramref name="fingerprint"/>.</summary>
    public OutboxDecodeException(string message, string? subject, long? fingerprint, Exception? innerException = null)
        : base(message, innerException)
    {
        Subject = subject;
        Fingerprint = fingerprint;
    }

    /// <summary>The message's subject, when known.</summary>
    public string? Subject { get; }

    /// <summary>The writer schema's fingerprint, when the header could be read.</summary>
    public long? Fingerprint { get; }
}
