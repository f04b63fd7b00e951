using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Notify;

/// <summary>
/// One queue row and the message it stands for. <see cref="Message"/> is null when the queue row outlived its outbox
/// row (a dropped partition), and for a row known only from its notification (<see cref="Notified"/>), which the
/// delivery's dequeue reads in full.
/// </summary>
internal sealed record ClaimedMessage(long Id, DateTime CreatedAt, int FailedAttempts, string? PartitionKey, Envelope? Message)
{
    /// <summary>True for a message known only from its notification (id and key): the delivery's dequeue reads the rest.</summary>
    public bool Notified { get; init; }

    /// <summary>The message's subject, or "" when it is not known.</summary>
    public string Subject => Message?.Subject ?? "";

    /// <summary>A message known only from the enqueue trigger's notification; the delivery's dequeue reads the rest.</summary>
    public static ClaimedMessage FromNotification(long id, string? partitionKey) => new(id, default, 0, partitionKey, null) { Notified = true };

    /// <summary>
    /// Reads the outbox row's columns from <paramref name="first"/> on: whether it exists, message_id, subject,
    /// partition_key, schema_fingerprint, payload, the traceparent header. Null when it does not exist.
    /// </summary>
    public static Envelope? ReadMessage(NpgsqlDataReader reader, int first, DateTime createdAt) => reader.GetBoolean(first)
        ? new Envelope(
            reader.GetGuid(first + 1),
            reader.GetString(first + 2),
            reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
            reader.GetInt64(first + 4),
            reader.GetFieldValue<byte[]>(first + 5),
            "{}",
            reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
            createdAt,
            EnvelopeSource.Outbox)
        : null;

    /// <summary>Messages with one key are delivered one after another; a message without a key orders with nothing.</summary>
    public string OrderingKey => PartitionKey is null ? "#" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "k" + PartitionKey;

    /// <summary>Where the message stands, for the log: its queue row.</summary>
    public string Position => "outbox row " + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An ordering key as operators know it: the partition key, or the row for a message without one.</summary>
    public static string DescribeKey(string orderingKey) =>
        orderingKey.StartsWith('k') ? orderingKey[1..] : "(no key, row " + orderingKey[1..] + ")";
}
