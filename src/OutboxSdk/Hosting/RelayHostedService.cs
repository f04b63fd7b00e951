using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;
using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Hosting;

/// <summary>
/// The one hosted relay loop, whatever the mode: it resolves the source for <see cref="OutboxOptions.RelayMode"/>
/// and runs its sessions one after another. A session that ends in a fault is logged and started again after a
/// backoff (<see cref="ReconnectBackoff"/>, counted since the last session that got through); a standby waits the
/// source's interval; a source that cannot go on stops the loop; cancellation at shutdown ends it quietly. With
/// <see cref="OutboxOptions.RunRelay"/> false (a publisher-only process) it returns at once.
/// </summary>
internal sealed class RelayHostedService(IOptions<OutboxOptions> options, IServiceProvider services, TimeProvider time, ILoggerFactory? loggerFactory = null, RelayLiveness? liveness = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outbox = options.Value;
        if (!outbox.RunRelay)
        {
            return;
        }

        IRelaySource source = outbox.RelayMode == RelayMode.Replication
            ? services.GetRequiredService<WalSource>()
            : services.GetRequiredService<NotifySource>();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Relay");
        await Task.Yield(); // let the host finish starting
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var progress = new RelayProgress();
            TimeSpan delay;
            try
            {
                await source.RunAsync(progress, stoppingToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RelayConfigurationException e)
            {
                // It would fail the same way again: stop, say why, and let the health check say it too.
                DeliveryLog.RelayMisconfigured(logger, source.Name, e.Message);
                liveness?.Stop(e.Message);
                break;
            }
            catch (Exception e)
            {
                var end = source.Classify(e);
                if (end.Kind == SessionEndKind.Stop)
                {
                    break;
                }

                if (end.Kind == SessionEndKind.Standby)
                {
                    delay = end.Delay;
                }
                else
                {
                    // A session that got through ends in a failure by nature (a stream has no other end): the backoff
                    // counts failed attempts since the last one that got through, not every interruption since startup.
                    failures = progress.Any ? 1 : failures + 1;
                    delay = ReconnectBackoff.Delay(failures);
                    DeliveryLog.RelayFaulted(logger, source.Name, delay, e);
                }
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        DeliveryLog.RelayStopped(logger, source.Name, source.Target);
    }
}
