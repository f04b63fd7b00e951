namespace OutboxSdk;

/// <summary>A message the relay gave up on, as stored in <c>dead_letters</c>.</summary>
/// <param name="Id">The dead letter's id (what replay and discard take).</param>
/// <param name="MessageId">The outbox message id.</param>
/// <param name="Source">Where it came from: <c>outbox</c> for relayed messages.</param>
/// <param name="Subject">The message subject.</param>
/// <param name="PartitionKey">The partition key, if any.</param>
/// <param name="Handler">The handler that failed last, or null when the message could not be decoded.</param>
/// <param name="Attempts">Delivery attempts made.</param>
/// <param name="Error">The last exception, as text.</param>
/// <param name="CreatedAt">When the message was written.</param>
/// <param name="FailedAt">When it was dead-lettered.</param>
public sealed record DeadLetter(
    long Id,
    Guid? MessageId,
    string Source,
    string Subject,
    string? PartitionKey,
    string? Handler,
    int Attempts,
    string Error,
    DateTimeOffset? CreatedAt,
    DateTimeOffset FailedAt);
