using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Relay;

namespace OutboxSdk.Replication;

/// <summary>
/// The Replication-mode relay (<see cref="RelayMode.Replication"/>): streams from the slot while this process holds
/// it. Postgres lets one connection stream from a slot at a time and refuses a second with SQLSTATE 55006, which
/// makes the slot the fence: other instances stand by and try again every
/// <see cref="ReplicationOptions.StandbyRetryInterval"/>, so one takes over within seconds of the active one dying
/// (its socket closes, the server releases the slot). A fault is logged and the session starts again after a
/// backoff, resuming from the slot's confirmed LSN; cancellation at shutdown ends the loop quietly. A change-feed
/// table that no longer matches its entity stops the relay for good (clear error, metric, and no more heartbeats, so
/// the health check turns unhealthy).
/// </summary>
internal sealed class ReplicationRelayService : BackgroundService
{
    private static readonly Counter<long> Stops = new Meter(OutboxTelemetry.MeterName).CreateCounter<long>(
        "outbox.replication.stopped", "{stop}", "Replication relays stopped by a change-feed table that no longer matches its entity.");

    private readonly ReplicationRuntime _runtime;
    private readonly OutboxOptions _options;
    private readonly ReplicationNames _names;
    private readonly ReplicationDeliveryContext _context;
    private readonly ILogger _logger;

    public ReplicationRelayService(IOptions<OutboxOptions> options, IServiceProvider services)
    {
        _options = options.Value;
        _names = ReplicationNames.For(_options);
        _runtime = null!;
        _context = null!;
        _logger = NullLogger.Instance;
        if (_options.RunRelay && _options.RelayMode == RelayMode.Replication)
        {
            _runtime = services.GetRequiredService<ReplicationRuntime>();
            _context = _runtime.Context;
            _logger = _runtime.Logger;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunRelay || _options.RelayMode != RelayMode.Replication)
        {
            return;
        }

        await Task.Yield(); // let the host finish starting
        var failures = 0;
        var standbyLogged = false;
        var setupNeeded = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            ReplicationConsumer? consumer = null;
            try
            {
                if (setupNeeded)
                {
                    await _runtime.EnsureSetupAsync(stoppingToken).ConfigureAwait(false);
                    setupNeeded = false;
                }

                await _runtime.Sink.InitializeAsync(_context.DataSource, stoppingToken).ConfigureAwait(false);
                consumer = new ReplicationConsumer(_context, _names, _runtime.Sink, _runtime.Connections, _runtime.Budget);
                await consumer.RunAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                standbyLogged = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.ObjectInUse } or SnapshotPendingException)
            {
                // 55006: another process streams from the slot (or still delivers its snapshot). Standing by is normal, not a fault.
                _context.Heartbeat?.Beat();
                if (!standbyLogged)
                {
                    ReplicationLog.Standby(_logger, _names.Slot, _options.Replication.StandbyRetryInterval);
                    standbyLogged = true;
                }

                if (!await DelayAsync(_options.Replication.StandbyRetryInterval, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (IncompatibleRelationException e)
            {
                var position = _context.State.LastProcessed.ToString();
                ReplicationLog.IncompatibleRelation(_logger, position, e.Message);
                _context.State.StoppedReason = e.Message;
                Stops.Add(1, new KeyValuePair<string, object?>(OutboxTelemetry.SchemaTag, _options.Schema));
                return;
            }
            catch (SlotLostException e)
            {
                // The slot is gone past a gap and the snapshot mode forbids a new one (logged by the setup): stop, stay unhealthy.
                _context.State.StoppedReason = e.Message;
                return;
            }
            catch (Exception e)
            {
                // A session that streamed ends in a failure by nature (the stream has no other end): the backoff
                // counts failed attempts since the last one that streamed, not every interruption since startup,
                // which made a relay whose connection was cut now and then wait the full 10 s each time.
                failures = consumer?.Streamed == true ? 1 : failures + 1;
                standbyLogged = false;
                setupNeeded |= e is PostgresException { SqlState: PostgresErrorCodes.UndefinedObject or PostgresErrorCodes.ObjectNotInPrerequisiteState };
                var delay = ReconnectBackoff.Delay(failures);
                ReplicationLog.Faulted(_logger, delay, e);
                if (!await DelayAsync(delay, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }

        ReplicationLog.Stopped(_logger, _names.Slot);
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _context.Time, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
