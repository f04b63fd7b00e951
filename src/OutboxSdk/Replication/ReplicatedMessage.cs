namespace OutboxSdk.Replication;

/// <summary>
/// An outbox message as the stream delivered it: from a <c>messages</c> row (<see cref="RowId"/> set) or from a
/// table-less logical decoding message (<see cref="RowId"/> 0, <see cref="CreatedAt"/> the commit time).
/// </summary>
internal sealed record ReplicatedMessage(
    long RowId,
    Guid MessageId,
    string Subject,
    string? PartitionKey,
    long Fingerprint,
    byte[] Payload,
    string Headers,
    string? TraceParent,
    DateTime CreatedAt)
{
    /// <summary>The dead letter's <c>source</c>: where the message came from.</summary>
    public string Source => RowId == 0 ? "logical-message" : "outbox";
}
