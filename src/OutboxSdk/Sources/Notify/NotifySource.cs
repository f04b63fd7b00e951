using OutboxSdk.Delivery;
using OutboxSdk.Internal;

namespace OutboxSdk.Sources.Notify;

/// <summary>
/// The Notify source: on a dedicated connection it takes the schema's session advisory lock (one active relay per
/// outbox; others stand by and retry every PollInterval) and LISTENs; then it claims whenever a notification
/// arrives, the fallback poll or a due retry comes, or a delivery frees room, and hands the rows to the per-key
/// queues of <see cref="RelayDispatcher"/> without waiting for their delivery. A session ends when its connection
/// fails; the hosted loop (<see cref="RelayHostedService"/>) starts the next one.
/// </summary>
internal sealed class NotifySource : IRelaySource
{
    private readonly OutboxOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RelaySql _sql;
    private readonly QueueLedger _ledger;
    private readonly NotifyDelivery _delivery;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly IRelayHeartbeat? _heartbeat;
    private readonly RelayDataSource _relayConnections;
    private readonly UnreadableSchemaWatch _unreadable;
    private long _nextRetryTicks = long.MaxValue;
    private bool _triggerReady;

    public NotifySource(IOptions<OutboxOptions> options, RelayDataSource dataSource, IServiceScopeFactory scopes, IMessageDecoder decoder,
        HandlerInvoker invoker, TimeProvider time, ILoggerFactory? loggerFactory = null, IRelayHeartbeat? heartbeat = null, UnreadableSchemaWatch? unreadable = null)
    {
        _options = options.Value;
        _unreadable = unreadable ?? new UnreadableSchemaWatch(_options.Retry, time);
        _heartbeat = heartbeat;
        _dataSource = dataSource.Value;
        _relayConnections = dataSource;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Relay");
        _sql = new RelaySql(_options.Schema, _options.EffectiveNotifyChannel);
        var handlers = new HandlerRunner(scopes, decoder, invoker, _options, time, _logger);
        _ledger = new QueueLedger(_sql);
        _delivery = new NotifyDelivery(_ledger, new DeliveryWriter(_options.Schema), handlers,
            new FailurePolicy(_options.Retry, _logger, _unreadable), new DeliveryTransaction(_dataSource, _logger), _logger);
        _delivery.RetryScheduled += OnRetryScheduled;
    }

    public string Name => "Notify";

    public string Target => "schema " + _options.Schema;

    public async Task RunAsync(RelayProgress progress, CancellationToken stopping)
    {
        await _relayConnections.EnsureSessionPoolingAsync(stopping).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!_triggerReady)
            {
                if (await RelayTrigger.EnsureChannelAsync(connection, _sql, stopping).ConfigureAwait(false))
                {
                    NotifyLog.TriggerChannelInstalled(_logger, _sql.Schema, _options.EffectiveNotifyChannel);
                }

                if (await RelayTrigger.EnableQueueAsync(connection, _sql, stopping).ConfigureAwait(false))
                {
                    NotifyLog.QueueTriggerEnabled(_logger, _sql.Schema);
                }

                _triggerReady = true;
            }

            await LeadAsync(connection, progress.Made, stopping).ConfigureAwait(false);
        }
    }

    public SessionEnd Classify(Exception exception) =>
        _unreadable.Classify(exception, Name, _options.PollInterval, _logger) ?? SessionEnd.Fault;

    private async Task LeadAsync(NpgsqlConnection connection, Action connected, CancellationToken stoppingToken)
    {
        var standbyLogged = false;
        while (!await TryLockAsync(connection, stoppingToken).ConfigureAwait(false))
        {
            connected();
            _heartbeat?.Beat(); // a standby relay is alive too
            if (!standbyLogged)
            {
                NotifyLog.Standby(_logger, _sql.Schema, _options.PollInterval);
                standbyLogged = true;
            }

            if (await SilentLeader.EndLockHolderAsync(_dataSource, _sql.LeaderLockKey, _options.LeaderTimeout, Target, _logger, stoppingToken).ConfigureAwait(false))
            {
                continue; // its lock went with its session: take it now
            }

            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
        }

        var dispatcher = new RelayDispatcher(_ledger, _dataSource, _delivery, _options.BatchSize, _options.MaxDegreeOfParallelism, _logger);
        dispatcher.CapacityFreed += Wake;
        dispatcher.ClaimNeeded += Wake;
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task? pump = null;
        var lastRoutedPid = 0;
        void OnNotification(object sender, NpgsqlNotificationEventArgs e) => Route(dispatcher, e, ref lastRoutedPid, stoppingToken);
        connection.Notification += OnNotification;
        try
        {
            await PgCommand.ExecuteAsync(connection, "LISTEN " + Schema.OutboxSchema.QuoteIdentifier(_options.EffectiveNotifyChannel), stoppingToken).ConfigureAwait(false);
            NotifyLog.Active(_logger, _sql.Schema, _options.EffectiveNotifyChannel);
            connected();
            pump = PumpNotificationsAsync(connection, leading.Token);
            while (true)
            {
                // Every (re)start claims first: notifications sent while nobody listened are lost by design.
                _heartbeat?.Beat();
                if (_unreadable.StepDownRequested)
                {
                    throw _unreadable.StepDown(); // a key waits for a relay that can read it: let a standby lead (rolling deploys)
                }

                if (await dispatcher.ClaimAsync(stoppingToken).ConfigureAwait(false))
                {
                    continue; // a full claim: more may be due already
                }

                await _wake.WaitAsync(NextWait(), stoppingToken).ConfigureAwait(false);
                if (pump.IsCompleted)
                {
                    await pump.ConfigureAwait(false); // the listen connection failed: start again
                }
            }
        }
        finally
        {
            await leading.CancelAsync().ConfigureAwait(false);
            if (pump is not null)
            {
                try
                {
                    await pump.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or NpgsqlException or IOException or InvalidOperationException)
                {
                    // Reported by the loop above already, or the normal end of the pump.
                }
            }

            connection.Notification -= OnNotification;
            await dispatcher.StopAsync().ConfigureAwait(false);
            dispatcher.CapacityFreed -= Wake;
            dispatcher.ClaimNeeded -= Wake;
            await ReleaseAsync(connection).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Routes a notification: the enqueue trigger's "&lt;id&gt;" (no key) or "&lt;id&gt;:&lt;key&gt;" goes straight to the
    /// key's queue; anything else (a key too long for a payload, a wake-up from elsewhere), or a row over the
    /// in-flight limit, wakes the claimer. A writer's empty wake-up right after its own routed rows is skipped:
    /// Postgres delivers one transaction's notifications together, so it came with them (or from a later
    /// transaction of that session that queued nothing) and a claim would find nothing the routed rows did not cover.
    /// </summary>
    private void Route(RelayDispatcher dispatcher, NpgsqlNotificationEventArgs notification, ref int lastRoutedPid, CancellationToken stoppingToken)
    {
        var payload = notification.Payload;
        if (payload.Length == 0 && notification.PID == lastRoutedPid)
        {
            return;
        }

        lastRoutedPid = 0;
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        var idText = colon < 0 ? payload.AsSpan() : payload.AsSpan(0, colon);
        if (idText.Length > 0
            && long.TryParse(idText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && dispatcher.Offer(id, colon < 0 ? null : payload[(colon + 1)..], stoppingToken))
        {
            lastRoutedPid = notification.PID;
            return;
        }

        Wake();
    }

    /// <summary>
    /// Reads notifications on the listen connection (its Notification event routes them), and pings the server every
    /// third of <see cref="OutboxOptions.LeaderTimeout"/>, however many notifications arrive (receiving them does not
    /// change the session's state): the ping is how standbys hear that this leader lives (<see cref="SilentLeader"/>),
    /// and how this relay learns of a connection that died silently. Ends (throwing) when the connection fails or a
    /// ping gets no answer in time.
    /// </summary>
    private async Task PumpNotificationsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var ping = SilentLeader.PingInterval(_options.LeaderTimeout);
        var lastPing = _time.GetTimestamp();
        try
        {
            while (true)
            {
                // Whole milliseconds, at least one: Npgsql's Wait takes a timeout of 0 as "no timeout".
                var untilPing = ping - _time.GetElapsedTime(lastPing);
                if (untilPing >= TimeSpan.FromMilliseconds(1))
                {
                    await connection.WaitAsync(untilPing, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                answer.CancelAfter(_options.LeaderTimeout);
                await PgCommand.ExecuteAsync(connection, "SELECT 1", answer.Token).ConfigureAwait(false);
                lastPing = _time.GetTimestamp();
            }
        }
        finally
        {
            Wake(); // so the claimer notices a failed connection at once
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another wake won the race: one pending wake-up is enough.
            }
        }
    }

    private TimeSpan NextWait()
    {
        var poll = _options.PollInterval;
        var next = Volatile.Read(ref _nextRetryTicks);
        if (next == long.MaxValue)
        {
            return poll;
        }

        var untilRetry = TimeSpan.FromTicks(next - _time.GetUtcNow().UtcTicks);
        if (untilRetry <= TimeSpan.Zero)
        {
            // Due: forget it, and claim once more a little later ("due" is judged by the server's clock).
            Interlocked.CompareExchange(ref _nextRetryTicks, long.MaxValue, next);
            return TimeSpan.FromMilliseconds(5);
        }

        return untilRetry >= poll ? poll : untilRetry + TimeSpan.FromMilliseconds(5);
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
        Wake(); // the claimer may be waiting out a longer poll
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
            await PgCommand.ExecuteAsync(connection, "UNLISTEN *; SELECT pg_advisory_unlock_all()", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // Closing the connection below ends the session on the server, which releases both.
        }
    }

}
