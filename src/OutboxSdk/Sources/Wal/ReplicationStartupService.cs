using OutboxSdk.Operations;

namespace OutboxSdk.Sources.Wal;

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
        if (outbox.RelayMode != RelayMode.Replication)
        {
            return;
        }

        // Resolved only in this mode: the runtime needs the relay's services, which a Notify host need not build.
        var runtime = services.GetRequiredService<ReplicationRuntime>();
        if (outbox.RunRelay)
        {
            await runtime.EnsureSetupAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A publisher-only process may start first: what it publishes before the slot exists is not in the slot's
        // stream. So it creates the publication and the slot when it can (a snapshot, which runs handlers, is left
        // to the relay), and otherwise says so.
        await runtime.Sink.InitializeAsync(runtime.Context.DataSource, cancellationToken).ConfigureAwait(false);
        var snapshotDue = runtime.Sink.Tables.Count > 0 && outbox.Replication.SnapshotMode != SnapshotMode.Never;
        try
        {
            if (!snapshotDue)
            {
                await ReplicationSetup.EnsureAsync(runtime.Context.DataSource, runtime.Names, outbox.Replication.SnapshotMode, outbox.Replication.WriteMode, runtime.Sink.Tables, null, runtime.Logger, cancellationToken)
                    .ConfigureAwait(false);
            }
            else if (!await ReplicationSetup.SlotExistsAsync(runtime.Context.DataSource, runtime.Names.Slot, cancellationToken).ConfigureAwait(false))
            {
                WalLog.PublisherBeforeSlot(runtime.Logger, runtime.Names.Slot, "its initial snapshot is the relay's to take");
            }
        }
        catch (SlotLostException e)
        {
            // The relay reports and recovers it (or stops, per the snapshot mode); the publisher publishes on: in the
            // Table write mode its messages wait in the table, and WhenNeeded delivers the gap's from there.
            OperationsLog.PublisherLeavesLostSlot(runtime.Logger, runtime.Names.Slot, e.Message);
        }
        catch (InvalidOperationException e)
        {
            // A name taken by another plugin: the relay reports it and refuses to start; the publisher still publishes
            // (its messages wait in the table or the WAL).
            WalLog.PublisherBeforeSlot(runtime.Logger, runtime.Names.Slot, e.Message);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            if (!await ReplicationSetup.SlotExistsAsync(runtime.Context.DataSource, runtime.Names.Slot, cancellationToken).ConfigureAwait(false))
            {
                WalLog.PublisherBeforeSlot(runtime.Logger, runtime.Names.Slot, "this role may not create it (" + e.MessageText + ")");
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
