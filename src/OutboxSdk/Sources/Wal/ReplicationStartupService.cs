using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Creates (or checks) the publication and the slot when the host starts, in StartingAsync, after the migrations
/// and before the application can publish: a message is in the slot's stream only if it was written after the slot
/// was created, so the slot must exist before the first message. The relay's process does it; a publisher-only process
/// (<see cref="OutboxOptions.RunRelay"/> false) touches no slot or publication and reads no change-feed table. With
/// change-feed tables and a snapshot due, the snapshot is delivered here too, before the host finishes starting.
/// </summary>
internal sealed class ReplicationStartupService(IOptions<OutboxOptions> options, IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var outbox = options.Value;
        if (outbox.RelayMode != RelayMode.Replication)
        {
            return;
        }

        // Resolved only in this mode: the runtime needs the relay's services, which a Notify host need not build.
        var runtime = services.GetRequiredService<ReplicationRuntime>();
        var names = await runtime.Context.State.Naming.ResolveAsync(runtime.Context.DataSource, cancellationToken).ConfigureAwait(false);
        if (outbox.RunRelay)
        {
            try
            {
                // The setup keeps session state (its lock), which a transaction pooler would split: probe first.
                await runtime.RelayConnections.EnsureSessionPoolingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RelayConfigurationException)
            {
                return; // the relay stops at its start, saying what to configure (event 3006, health Unhealthy); publishing goes on
            }

            await runtime.EnsureSetupAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A publisher-only process creates, checks and reads nothing of the relay's: no slot, no publication (which
        // needs the tables' owner), no change-feed table (which it need not have). It only says whether the slot is
        // there: what it publishes before the relay first creates the slot is not in the slot's stream (in the Table
        // write mode the rows wait in the Notify queue, which the relay delivers when it creates the slot).
        var exists = await ReplicationSetup.SlotExistsAsync(runtime.Context.DataSource, names.Slot, cancellationToken).ConfigureAwait(false);
        var lossy = !exists && outbox.Replication.WriteMode == OutboxWriteMode.LogicalMessage;
        TopologyLog.PublisherOnly(runtime.Logger, lossy ? LogLevel.Warning : LogLevel.Information, names.Slot, exists
            ? "exists"
            : outbox.Replication.WriteMode == OutboxWriteMode.Table
                ? "does not exist yet: messages published before the relay creates it wait in the Notify queue and are delivered when it does"
                : "does not exist yet: in the LogicalMessage write mode messages published before the relay creates it are lost; start the relay first (docs/operations.md)");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
