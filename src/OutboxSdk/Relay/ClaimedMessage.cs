namespace OutboxSdk.Relay;

/// <summary>
/// One queued message read by the claim query. <see cref="Exists"/> is false when the queue row outlived its
/// outbox row (a dropped partition); the other message fields are then empty. <see cref="TraceParent"/> is the
/// publisher's trace context from the message headers, if any.
/// </summary>
internal sealed record ClaimedMessage(
    long Id,
    DateTime CreatedAt,
    int FailedAttempts,
    bool Exists,
    Guid MessageId,
    string Subject,
    string? PartitionKey,
    long Fingerprint,
    byte[] Payload,
    string? TraceParent)
{
    /// <summary>Messages with one key are delivered one after another; a message without a key orders with nothing.</summary>
    public string OrderingKey => PartitionKey is null ? "#" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "k" + PartitionKey;
}
