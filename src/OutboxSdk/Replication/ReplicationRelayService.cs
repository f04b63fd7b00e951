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
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);
    private static readonly Counter<long> Stops = new Meter(OutboxTelemetry.MeterName).CreateCounter<long>(
        "outbox.replication.stopped", "{stop}", "Replication relays stopped by a change-feed table that no longer matches its entity.");

    private readonly OutboxOptions _options;
    private readonly ReplicationNames _names;
    private readonly ReplicationDeliveryContext _context;
    private readonly IChangeSink _sink;
    private readonly string _connectionString;
    private readonly ILogger _logger;

    public ReplicationRelayService(IOptions<OutboxOptions> options, RelayDataSource dataSource, IServiceScopeFactory scopes, IMessageDecoder decoder,
        HandlerInvoker invoker, ReplicationState state, IChangeSink sink, TimeProvider time, ILoggerFactory? loggerFactory = null, IRelayHeartbeat? heartbeat = null)
    {
        _options = options.Value;
        _names = ReplicationNames.For(_options);
        _sink = sink;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Replication");
        _context = new ReplicationDeliveryContext(dataSource.Value, new ReplicationSql(_options.Schema), scopes, decoder, invoker, _options, state, heartbeat, time, _logger);
        _connectionString = _options.Replication.ConnectionString ?? _options.ConnectionString ?? dataSource.Value.ConnectionString;
        Budget = new StreamBufferBudget(_options.Replication.StreamBufferBytes);
    }

    /// <summary>The streamed-transaction memory budget, shared by the sessions of this relay.</summary>
    internal StreamBufferBudget Budget { get; }

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
            try
            {
                if (setupNeeded)
                {
                    await ReplicationSetup.EnsureAsync(_context.DataSource, _names, _options.Replication.SnapshotMode, _sink.Tables, _logger, stoppingToken).ConfigureAwait(false);
                    setupNeeded = false;
                }

                var consumer = new ReplicationConsumer(_context, _names, _sink, _connectionString, Budget);
                await consumer.RunAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                standbyLogged = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // 55006: another process streams from the slot. Standing by is normal, not a fault.
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
            catch (Exception e)
            {
                failures++;
                standbyLogged = false;
                setupNeeded |= e is PostgresException { SqlState: PostgresErrorCodes.UndefinedObject or PostgresErrorCodes.ObjectNotInPrerequisiteState };
                var delay = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 16)), MaxReconnectDelay.TotalMilliseconds));
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
