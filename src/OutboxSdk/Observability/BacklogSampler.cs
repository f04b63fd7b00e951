namespace OutboxSdk.Observability;

/// <summary>Refreshes the backlog gauges on its own timer; a failed query is logged and retried next turn.</summary>
internal sealed class BacklogSampler(
    BacklogMonitor monitor, IOptions<OutboxHealthOptions> options, TimeProvider time, ILogger<BacklogSampler> logger) : PeriodicJob(time)
{
    protected override TimeSpan Interval => options.Value.BacklogSampleInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => monitor.MeasureAsync(cancellationToken);

    protected override void Failed(Exception exception) => ObservabilityLog.BacklogSampleFailed(logger, monitor.Schema, exception);
}
