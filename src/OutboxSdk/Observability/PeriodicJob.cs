namespace OutboxSdk.Observability;

/// <summary>
/// A maintenance job on its own timer (a sampler, a monitor): runs <see cref="RunOnceAsync"/> every
/// <see cref="Interval"/>; a failed run (the database unreachable, a timeout) is reported and retried next turn, and
/// cancellation at shutdown ends the loop quietly.
/// </summary>
internal abstract class PeriodicJob(TimeProvider time) : BackgroundService
{
    /// <summary>The clock the job waits on, for what a run needs to know of the time too.</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether the job has anything to do in this process (checked once, at start).</summary>
    protected virtual bool Enabled => true;

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected abstract void Failed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var interval = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                Failed(e);
            }

            try
            {
                await Task.Delay(interval, Time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
