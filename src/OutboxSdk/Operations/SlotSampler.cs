namespace OutboxSdk.Operations;

/// <summary>
/// Samples the outbox's slot on its own timer (<see cref="OutboxHealthOptions.BacklogSampleInterval"/>) and pooled
/// connection, off the stream's path, in every process of a Replication-mode outbox; a failed query is logged and
/// retried next turn.
/// </summary>
internal sealed class SlotSampler(SlotMonitor monitor, IOptions<OutboxHealthOptions> options, TimeProvider time) : PeriodicJob(time)
{
    protected override TimeSpan Interval => options.Value.BacklogSampleInterval;

    protected override bool Enabled => monitor.Enabled;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => monitor.MeasureAsync(cancellationToken);

    protected override void Failed(Exception exception) => OperationsLog.SampleFailed(monitor.Logger, monitor.Slot, exception);
}
