namespace OutboxSdk.Delivery;

/// <summary>
/// One message or row change on its way to its handlers, whatever source read it: a queued outbox row (Notify), an
/// outbox row or a table-less message from the WAL, or a change-feed event. A message carries its Avro payload and
/// is decoded by fingerprint; a change carries the <see cref="Notification"/> the change feed built and no payload.
/// </summary>
/// <param name="MessageId">The message's id, the inbox's key; a change's is derived from its WAL position.</param>
/// <param name="Subject">The message's subject, or a change's table.</param>
/// <param name="PartitionKey">The key whose events are delivered in order; null for none.</param>
/// <param name="Fingerprint">The writer schema's CRC-64 fingerprint; 0 with no payload.</param>
/// <param name="Payload">The Avro payload; for a rejected event, whatever bytes it had (a row as JSON, a framed message).</param>
/// <param name="Headers">The headers as JSON ("{}" when none or unknown).</param>
/// <param name="TraceParent">The publisher's W3C trace context, if any.</param>
/// <param name="CreatedAt">When the message was written, or the change's commit time (UTC).</param>
/// <param name="Source">Where it came from, as dead letters record it (<see cref="EnvelopeSource"/>).</param>
internal sealed record Envelope(
    Guid MessageId,
    string Subject,
    string? PartitionKey,
    long Fingerprint,
    byte[] Payload,
    string Headers,
    string? TraceParent,
    DateTime CreatedAt,
    string Source)
{
    /// <summary>A change's notification, built by the change feed: handed to the handlers as it is, nothing to decode.</summary>
    public object? Notification { get; init; }

    /// <summary>An event that cannot be read into a message (a broken frame or row): only its origin and bytes are known.</summary>
    public static Envelope Unreadable(string source, string subject, byte[] payload, DateTime at) =>
        new(Guid.Empty, subject, null, 0, payload, "{}", null, at, source);

    /// <summary>A change-feed event, its notification already built.</summary>
    public static Envelope Change(Guid id, string table, object notification, DateTime commitTime) =>
        new(id, table, null, 0, [], "{}", null, commitTime, EnvelopeSource.ChangeFeed) { Notification = notification };
}

/// <summary>The origins an <see cref="Envelope"/> can have: the <c>source</c> column of dead letters.</summary>
internal static class EnvelopeSource
{
    /// <summary>A row of the outbox's messages table (Notify mode, or the WAL in the Table write mode).</summary>
    public const string Outbox = "outbox";

    /// <summary>A table-less message written to the WAL (the LogicalMessage write mode).</summary>
    public const string LogicalMessage = "logical-message";

    /// <summary>A row change of a [ChangeFeed] table, or a row of its initial snapshot.</summary>
    public const string ChangeFeed = "change-feed";
}
