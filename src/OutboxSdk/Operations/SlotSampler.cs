using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// Samples the outbox's slot on its own timer (<see cref="OutboxHealthOptions.BacklogSampleInterval"/>) and pooled
/// connection, off the stream's path, in every process of a Replication-mode outbox; a failed query is logged and
/// retried next turn.
/// </summary>
internal sealed class SlotSampler(SlotMonitor monitor, IOptions<OutboxHealthOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!monitor.Enabled)
        {
            return;
        }

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
                OperationsLog.SampleFailed(monitor.Logger, monitor.Slot, e);
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
