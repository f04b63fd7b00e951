using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;

namespace OutboxSdk.Relay;

/// <summary>
/// The Notify-mode relay: on a dedicated connection it takes the schema's session advisory lock (one active relay
/// per outbox; others stand by and retry every PollInterval) and LISTENs; then it delivers batches until one
/// comes back empty, and waits for a notification, the fallback poll or a due retry, whichever is first. A dropped
/// connection (or any other fault) is logged and the loop starts again after a backoff; cancellation at shutdown ends the loop quietly.
/// </summary>
internal sealed class OutboxRelayService : BackgroundService
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    private readonly OutboxOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RelaySql _sql;
    private readonly RelayDispatcher _dispatcher;
    private readonly IRelayHeartbeat? _heartbeat;
    private long _nextRetryTicks = long.MaxValue;

    public OutboxRelayService(IOptions<OutboxOptions> options, RelayDataSource dataSource, IServiceScopeFactory scopes, IMessageDecoder decoder,
        HandlerInvoker invoker, TimeProvider time, ILoggerFactory? loggerFactory = null, IRelayHeartbeat? heartbeat = null)
    {
        _options = options.Value;
        _heartbeat = heartbeat;
        _dataSource = dataSource.Value;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Relay");
        _sql = new RelaySql(_options.Schema, _options.EffectiveNotifyChannel);
        var delivery = new MessageDelivery(_sql, _dataSource, scopes, decoder, invoker, _options, time, _logger);
        delivery.RetryScheduled += OnRetryScheduled;
        _dispatcher = new RelayDispatcher(_sql, _dataSource, delivery, _options.BatchSize, _options.MaxDegreeOfParallelism, _logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunRelay || _options.RelayMode != RelayMode.Notify)
        {
            return;
        }

        await Task.Yield(); // let the host finish starting
        var failures = 0;
        var tablesReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    if (!tablesReady)
                    {
                        var created = await RelayTables.EnsureAsync(connection, _sql, stoppingToken).ConfigureAwait(false);
                        RelayLog.TablesReady(_logger, _sql.Schema, created);
                        tablesReady = true;
                    }

                    await LeadAsync(connection, () => failures = 0, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 16)), MaxReconnectDelay.TotalMilliseconds));
                RelayLog.ConnectionLost(_logger, delay, e);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        RelayLog.Stopped(_logger, _sql.Schema);
    }

    private async Task LeadAsync(NpgsqlConnection connection, Action connected, CancellationToken stoppingToken)
    {
        var standbyLogged = false;
        while (!await TryLockAsync(connection, stoppingToken).ConfigureAwait(false))
        {
            connected();
            _heartbeat?.Beat(); // a standby relay is alive too
            if (!standbyLogged)
            {
                RelayLog.Standby(_logger, _sql.Schema, _options.PollInterval);
                standbyLogged = true;
            }

            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
        }

        try
        {
            await ExecuteAsync(connection, "LISTEN " + Schema.OutboxSchema.QuoteIdentifier(_options.EffectiveNotifyChannel), stoppingToken).ConfigureAwait(false);
            RelayLog.Active(_logger, _sql.Schema, _options.EffectiveNotifyChannel);
            connected();
            while (true)
            {
                // Every (re)start delivers first: notifications sent while nobody listened are lost by design.
                _heartbeat?.Beat();
                await DrainAsync(stoppingToken).ConfigureAwait(false);
                await connection.WaitAsync(NextWait(), stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var (claimed, completed) = await _dispatcher.RunBatchAsync(stoppingToken).ConfigureAwait(false);
            if (claimed < _options.BatchSize || completed == 0)
            {
                return;
            }
        }
    }

    private TimeSpan NextWait()
    {
        var poll = _options.PollInterval;
        var next = Interlocked.Exchange(ref _nextRetryTicks, long.MaxValue);
        if (next == long.MaxValue)
        {
            return poll;
        }

        var untilRetry = TimeSpan.FromTicks(Math.Max(0, next - _time.GetUtcNow().UtcTicks));
        if (untilRetry >= poll)
        {
            return poll;
        }

        return untilRetry + TimeSpan.FromMilliseconds(5); // "due" is judged by the server's clock: be a little late, not early
    }

    private void OnRetryScheduled(TimeSpan delay)
    {
        var due = _time.GetUtcNow().UtcTicks + delay.Ticks;
        long current;
        do
        {
            current = Volatile.Read(ref _nextRetryTicks);
            if (current <= due)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _nextRetryTicks, due, current) != current);
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection) { Parameters = { new() { Value = _sql.LeaderLockKey } } };
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private static async Task ReleaseAsync(NpgsqlConnection connection)
    {
        // A pooled connection keeps its session (and the lock) until reused, so a stopping relay lets go explicitly;
        // a broken one lost both with its server session anyway.
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ExecuteAsync(connection, "UNLISTEN *; SELECT pg_advisory_unlock_all()", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // Closing the connection below ends the session on the server, which releases both.
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(text, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
