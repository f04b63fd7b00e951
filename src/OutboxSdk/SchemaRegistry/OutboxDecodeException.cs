namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// A stored message that cannot be decoded: its subject has no registered type, its writer schema is unknown or
/// incompatible, or its bytes are corrupt. Corrupt bytes and unknown schemas are dead-lettered at once; a writer schema
/// that another version of the application registered for the subject but this version cannot read makes the message
/// wait for a relay that can (docs/schema-evolution.md, "Rolling deploys").
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

    /// <summary>
    /// True when the bytes may well be sound but this version of the application cannot read their writer schema: it is
    /// registered for the subject (by another version) and does not resolve into this version's type, or the subject has
    /// no type here at all. A relay of another version can read it, so the message waits rather than being dead-lettered.
    /// </summary>
    internal bool WriterSchemaUnreadable { get; init; }

    /// <summary>The writer schema's version in the <c>schemas</c> table, when it is registered there.</summary>
    internal int? WriterVersion { get; init; }
}
