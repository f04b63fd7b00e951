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
    /// <summary>
    /// True for a message known only from its notification (id and key): the delivery's dequeue reads the rest.
    /// </summary>
    public bool Notified { get; init; }

    /// <summary>A message known only from the enqueue trigger's notification; the delivery's dequeue reads the rest.</summary>
    public static ClaimedMessage FromNotification(long id, string? partitionKey) =>
        new(id, default, 0, false, Guid.Empty, "", partitionKey, 0, [], null) { Notified = true };

    /// <summary>Messages with one key are delivered one after another; a message without a key orders with nothing.</summary>
    public string OrderingKey => PartitionKey is null ? "#" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "k" + PartitionKey;

    /// <summary>An ordering key as operators know it: the partition key, or the row for a message without one.</summary>
    public static string DescribeKey(string orderingKey) =>
        orderingKey.StartsWith('k') ? orderingKey[1..] : "(no key, row " + orderingKey[1..] + ")";
}
