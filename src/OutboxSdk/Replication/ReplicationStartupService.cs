using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OutboxSdk.Hosting;

namespace OutboxSdk.Replication;

/// <summary>
/// Creates (or checks) the publication and the slot when the host starts, in StartingAsync, after the migrations
/// and before the application can publish: a message is in the slot's stream only if it was written after the slot
/// was created, so the slot must exist before the first message. Runs in processes that run the Replication relay.
/// </summary>
internal sealed class ReplicationStartupService(
    IOptions<OutboxOptions> options,
    OutboxDataSource dataSource,
    IChangeSink sink,
    ILogger<ReplicationStartupService>? logger = null) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var outbox = options.Value;
        if (!outbox.RunRelay || outbox.RelayMode != RelayMode.Replication)
        {
            return;
        }

        await ReplicationSetup.EnsureAsync(dataSource.DataSource, ReplicationNames.For(outbox), outbox.Replication.SnapshotMode, sink.Tables,
            (ILogger?)logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
