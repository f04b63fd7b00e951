using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboxSdk.Hosting;

namespace OutboxSdk.Replication;

/// <summary>
/// Creates (or checks) the publication and the slot when the host starts, in StartingAsync, after the migrations
/// and before the application can publish: a message is in the slot's stream only if it was written after the slot
/// was created, so the slot must exist before the first message. Runs in processes that run the Replication relay.
/// With change-feed tables and a snapshot due, the snapshot is delivered here too, before the host finishes starting.
/// </summary>
internal sealed class ReplicationStartupService(IOptions<OutboxOptions> options, IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var outbox = options.Value;
        if (!outbox.RunRelay || outbox.RelayMode != RelayMode.Replication)
        {
            return;
        }

        // Resolved only in this mode: the runtime needs the relay's services, which a Notify host need not build.
        await services.GetRequiredService<ReplicationRuntime>().EnsureSetupAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
