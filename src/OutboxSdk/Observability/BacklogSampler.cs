namespace OutboxSdk.Observability;

/// <summary>Refreshes the backlog gauges on its own timer; a failed query is logged and retried next turn.</summary>
internal sealed partial class BacklogSampler(
    BacklogMonitor monitor, IOptions<OutboxHealthOptions> options, TimeProvider time, ILogger<BacklogSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.BacklogSampleInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await monitor.MeasureAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                ObservabilityLog.BacklogSampleFailed(logger, monitor.Schema, e);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
