namespace OutboxSdk.Delivery;

/// <summary>
/// A message this version of the application cannot read, though another version can: its writer schema is registered
/// for its subject and does not resolve into this version's type, or the subject has no type here. Not a failure of the
/// message: it waits for a relay that can read it (<see cref="UnreadableSchemaWatch"/>) and consumes no attempt.
/// </summary>
internal sealed class UnreadableSchemaException : Exception
{
    public UnreadableSchemaException() { }

    public UnreadableSchemaException(string message) : base(message) { }

    public UnreadableSchemaException(string message, Exception innerException) : base(message, innerException) { }

    public UnreadableSchemaException(string message, string subject, long? fingerprint, int? version, Exception? innerException)
        : base(message, innerException)
    {
        Subject = subject;
        Fingerprint = fingerprint;
        Version = version;
    }

    /// <summary>The message's subject.</summary>
    public string Subject { get; } = "";

    /// <summary>The writer schema's fingerprint.</summary>
    public long? Fingerprint { get; }

    /// <summary>The writer schema's version in the <c>schemas</c> table.</summary>
    public int? Version { get; }

    /// <summary>The writer schema as operators read it: "version 2 (fingerprint …)".</summary>
    public string WriterSchema => (Version is { } v ? $"version {v} " : "")
        + (Fingerprint is { } f ? $"(fingerprint {f.ToString(CultureInfo.InvariantCulture)})" : "(fingerprint unknown)");

    // The queue's last_error and a dead letter's error carry this text: the reason, not a stack trace of a decode.
    public override string ToString() => nameof(UnreadableSchemaException) + ": " + Message;
}

/// <summary>Thrown out of a relay session to give up leadership, so that a relay that can read a waiting message takes over.</summary>
internal sealed class RelayStepDownException : Exception
{
    public RelayStepDownException() { }

    public RelayStepDownException(string message) : base(message) { }

    public RelayStepDownException(string message, Exception innerException) : base(message, innerException) { }
}
