namespace OutboxSdk.Observability;

/// <summary>What is still undelivered: one number, the oldest message's age, and when it was measured.</summary>
/// <param name="Count">Undelivered messages.</param>
/// <param name="OldestAge">Age of the oldest undelivered message (server clock); zero when none.</param>
/// <param name="MeasuredAt">When the probe ran (this process's clock).</param>
internal sealed record BacklogSnapshot(long Count, TimeSpan OldestAge, DateTimeOffset MeasuredAt);

/// <summary>
/// Knows which messages are delivered. The health check, the backlog gauges, <c>outbox status</c> and retention
/// ask it, so when the relay's delivery state changes shape only this implementation changes.
/// </summary>
internal interface IBacklogProbe
{
    /// <summary>Counts undelivered messages and measures the oldest one's age, on <paramref name="connection"/>.</summary>
    Task<(long Count, TimeSpan OldestAge)> MeasureAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the partition <paramref name="quotedPartition"/> (schema-qualified, quoted) still holds a message that
    /// is not delivered; retention keeps such a partition. Runs in the caller's transaction on <paramref name="connection"/>.
    /// </summary>
    Task<bool> HoldsUndeliveredAsync(NpgsqlConnection connection, string quotedPartition, CancellationToken cancellationToken);
}
