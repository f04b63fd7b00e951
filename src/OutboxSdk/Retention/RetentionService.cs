namespace OutboxSdk.Retention;

/// <summary>
/// Runs <see cref="PartitionMaintainer"/> at start and then every <see cref="OutboxRetentionOptions.CheckInterval"/>;
/// a failed run is logged and retried on the next turn.
/// </summary>
internal sealed class RetentionService(
    OutboxDataSource dataSource,
    IBacklogProbe probe,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : PeriodicJob(time)
{
    private readonly PartitionMaintainer _maintainer = new(
        options.Value.Schema, options.Value.Retention.Window, options.Value.Retention.PartitionInterval, probe, logger);

    protected override TimeSpan Interval => options.Value.Retention.CheckInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        _maintainer.RunAsync(dataSource.DataSource, Time.GetUtcNow(), cancellationToken);

    protected override void Failed(Exception exception) => RetentionLog.Failed(logger, options.Value.Schema, exception);
}
