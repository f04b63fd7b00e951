using System.Diagnostics.Metrics;
using OutboxSdk.Delivery;
using OutboxSdk.Operations;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The WAL source (<see cref="RelayMode.Replication"/>): a session streams from the slot while this process holds
/// it. Postgres lets one connection stream from a slot at a time and refuses a second with SQLSTATE 55006, which
/// makes the slot the fence: other instances stand by and try again every
/// <see cref="ReplicationOptions.StandbyRetryInterval"/>, so one takes over within seconds of the active one dying
/// (its socket closes, the server releases the slot) or going silent for <see cref="OutboxOptions.LeaderTimeout"/>
/// (<see cref="SilentLeader"/> ends its session). A session resumes from the slot's confirmed LSN. A change-feed
/// table that no longer matches its entity stops the relay for good (clear error, metric, and no more heartbeats, so
/// the health check turns unhealthy).
/// </summary>
internal sealed class WalSource(IOptions<OutboxOptions> options, ReplicationRuntime runtime) : IRelaySource
{
    private static readonly Counter<long> Stops = new Meter(OutboxTelemetry.MeterName).CreateCounter<long>(
        "outbox.replication.stopped", "{stop}", "Replication relays stopped by a change-feed table that no longer matches its entity.");

    private readonly OutboxOptions _options = options.Value;
    private readonly WalDeliveryContext _context = runtime.Context;
    private readonly StreamerWatch _streamer = new(runtime.Context.Time);
    private bool _standbyLogged;
    private bool _setupNeeded;

    public string Name => "Replication";

    public string Target => "slot " + runtime.Names.Slot;

    public async Task RunAsync(RelayProgress progress, CancellationToken stopping)
    {
        await runtime.RelayConnections.EnsureSessionPoolingAsync(stopping).ConfigureAwait(false);
        if (_setupNeeded)
        {
            await runtime.EnsureSetupAsync(stopping).ConfigureAwait(false);
            _setupNeeded = false;
        }

        await runtime.Sink.InitializeAsync(_context.DataSource, stopping).ConfigureAwait(false);
        var consumer = new ReplicationConsumer(_context, runtime.Names, runtime.Sink, runtime.Connections, runtime.Budget);
        try
        {
            await consumer.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            // Another process streams from the slot. If it has gone silent (paused, cut off), end its session so the
            // slot is free at the next try; either way this session ends as a standby's (Classify).
            await SilentLeader.EndSlotStreamerAsync(_context.DataSource, runtime.Names.Slot, _options.LeaderTimeout, _streamer, _context.Logger, stopping).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (consumer.Streamed)
            {
                progress.Made();
                _standbyLogged = false;
            }
        }
    }

    public SessionEnd Classify(Exception exception)
    {
        if (runtime.Unreadable.Classify(exception, Name, _options.Replication.StandbyRetryInterval, _context.Logger) is { } stepDown)
        {
            _standbyLogged = false;
            return stepDown; // the stream waits at an event only another version can read: the slot is free for it
        }

        switch (exception)
        {
            case PostgresException { SqlState: PostgresErrorCodes.ObjectInUse } or SnapshotPendingException:
                // 55006: another process streams from the slot (or still delivers its snapshot). Standing by is normal, not a fault.
                _context.Heartbeat?.Beat();
                if (!_standbyLogged)
                {
                    WalLog.Standby(_context.Logger, runtime.Names.Slot, _options.Replication.StandbyRetryInterval);
                    _standbyLogged = true;
                }

                return SessionEnd.StandBy(_options.Replication.StandbyRetryInterval);
            case IncompatibleRelationException e:
                WalLog.IncompatibleRelation(_context.Logger, _context.State.LastProcessed.ToString(), e.Message);
                _context.State.StoppedReason = e.Message;
                Stops.Add(1, new KeyValuePair<string, object?>(OutboxTelemetry.SchemaTag, _options.Schema));
                return SessionEnd.Stop;
            case SlotLostException e:
                // The slot is gone past a gap and the snapshot mode forbids a new one (logged by the setup): stop, stay unhealthy.
                _context.State.StoppedReason = e.Message;
                return SessionEnd.Stop;
            default:
                _standbyLogged = false;
                _setupNeeded |= exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedObject or PostgresErrorCodes.ObjectNotInPrerequisiteState };
                return SessionEnd.Fault;
        }
    }
}
