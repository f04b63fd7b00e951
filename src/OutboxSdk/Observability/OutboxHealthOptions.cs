namespace OutboxSdk.Observability;

/// <summary>
/// Thresholds of the <c>outbox</c> health check and the backlog gauges:
/// <c>services.Configure&lt;OutboxHealthOptions&gt;(o =&gt; o.MaxBacklogAge = TimeSpan.FromMinutes(2))</c>.
/// </summary>
public sealed class OutboxHealthOptions
{
    /// <summary>The health check reports Degraded when the oldest undelivered message is older than this. Default 60 s.</summary>
    public TimeSpan MaxBacklogAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The relay counts as dead when it has not beaten for this many poll intervals
    /// (<see cref="OutboxOptions.PollInterval"/>). Default 3.
    /// </summary>
    public int MissedBeatsBeforeUnhealthy { get; set; } = 3;

    /// <summary>How often the backlog gauges are refreshed from the database. Default 10 s.</summary>
    public TimeSpan BacklogSampleInterval { get; set; } = TimeSpan.FromSeconds(10);
}
