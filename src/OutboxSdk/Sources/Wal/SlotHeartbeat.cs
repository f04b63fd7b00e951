namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The slot's heartbeat for one streaming session: a non-transactional logical message every HeartbeatInterval, so
/// an idle slot's confirmed position moves on (and the first one tells the session it holds the slot), and the
/// relay's liveness beat while the dispatch loop waits for the stream or runs a handler within its timeout.
/// </summary>
internal sealed class SlotHeartbeat(WalDeliveryContext context, ReplicationNames names)
{
    /// <summary>The prefix of heartbeat messages; non-transactional, so they are decoded as soon as they are written.</summary>
    public const string HeartbeatPrefix = "outbox-heartbeat";

    private bool _waiting;
    private long _eventStarted;

    /// <summary>Whether the dispatch loop waits for the stream.</summary>
    public bool Waiting
    {
        set => Volatile.Write(ref _waiting, value);
    }

    /// <summary>The dispatch loop starts an event (and perhaps its handlers) now.</summary>
    public void EventStarted() => Volatile.Write(ref _eventStarted, context.Time.GetTimestamp());

    /// <summary>
    /// Writes a heartbeat message every HeartbeatInterval, and beats the relay's liveness every PollInterval while the
    /// dispatch loop waits for the stream or runs a handler within its timeout: a quiet stream is not a stalled relay.
    /// </summary>
    public async Task RunAsync(CancellationTokenSource stream, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var interval = context.Options.Replication.HeartbeatInterval;
        var tick = interval == Timeout.InfiniteTimeSpan || interval > context.Options.PollInterval ? context.Options.PollInterval : interval;
        long? lastEmitted = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (lastEmitted is null || (interval != Timeout.InfiniteTimeSpan && context.Time.GetElapsedTime(lastEmitted.Value) >= interval))
            {
                lastEmitted = context.Time.GetTimestamp();
                try
                {
                    // The first one also tells the consumer it holds the slot: the stream stays silent otherwise.
                    var command = context.DataSource.CreateCommand("SELECT pg_logical_emit_message(false, $1, ''::text)");
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = HeartbeatPrefix });
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow)
                {
                    // 57P03, the server is shutting down: a fast shutdown waits for this session's walsender, which
                    // waits for the slot's confirmation of WAL the relay never acknowledges (the shutdown checkpoint).
                    // Ending the session lets the server stop; the relay reconnects once it is back.
                    WalLog.HeartbeatFailed(context.Logger, names.Slot, e);
                    await stream.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    WalLog.HeartbeatFailed(context.Logger, names.Slot, e);
                }
            }

            if (context.State.Streaming && (Volatile.Read(ref _waiting) || WithinHandlerTimeout()))
            {
                context.Heartbeat?.Beat();
            }

            try
            {
                await Task.Delay(tick, context.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool WithinHandlerTimeout() =>
        context.Options.Retry.HandlerTimeout == Timeout.InfiniteTimeSpan
        || context.Time.GetElapsedTime(Volatile.Read(ref _eventStarted)) < context.Options.Retry.HandlerTimeout;
}
