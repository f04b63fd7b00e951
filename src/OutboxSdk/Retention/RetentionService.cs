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
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outbox = options.Value;
        var retention = outbox.Retention;
        var maintainer = new PartitionMaintainer(outbox.Schema, retention.Window, retention.PartitionInterval, probe, logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await maintainer.RunAsync(dataSource.DataSource, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                RetentionLog.Failed(logger, outbox.Schema, e);
            }

            try
            {
                await Task.Delay(retention.CheckInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
