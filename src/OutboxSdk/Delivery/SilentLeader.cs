namespace OutboxSdk.Delivery;

/// <summary>
/// How a standby relay takes over from an active relay that went silent — paused (SIGSTOP, a frozen VM) or cut off
/// by a network that drops packets without closing sockets — instead of waiting for it to come back or for the
/// kernel to give up on its socket (minutes to hours). The active relay is heard on its server session every
/// <see cref="OutboxOptions.LeaderTimeout"/>/3: the Notify leader pings its lock connection, the Replication relay's
/// stream sends a status update every second. When that session has been silent longer than
/// <see cref="OutboxOptions.LeaderTimeout"/> — the lock holder idle since then by the server's clock, the slot's
/// walsender without a new reply for that long as this standby watches it (a reply carries the other host's clock,
/// which is never compared with anything) — the standby ends it with <c>pg_terminate_backend</c>: the server releases
/// the leader lock (or the slot), and the standby takes them as usual. The database is the fence, not timing: the
/// silent relay's session is gone, so if it wakes it cannot stream, acknowledge or keep leading; its delivery
/// transactions in flight hold their rows (and so their keys), and either commit, once, or roll back — unless the
/// relay had a pool of its own (<see cref="RelayDataSource"/>), whose application name names the process: then every
/// session of it is ended, its deliveries in flight too. Ending a session needs the same role as the relay it ends (or
/// membership in <c>pg_signal_backend</c>); without it the standby says so and waits as before.
/// </summary>
internal static class SilentLeader
{
    // The holder of a session advisory lock taken with pg_try_advisory_lock(hashtextextended(key, 0)): pg_locks splits
    // the bigint key into classid (high 32 bits) and objid (low 32 bits), objsubid 1. Idle since before the lease.
    private const string LockHolderSql = """
        SELECT a.pid, a.application_name, EXTRACT(EPOCH FROM now() - a.state_change)::float8
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        CROSS JOIN (SELECT hashtextextended($1, 0) AS k) key
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = ((key.k >> 32) & 4294967295)::oid AND l.objid = (key.k & 4294967295)::oid
          AND a.pid <> pg_backend_pid() AND a.state = 'idle' AND a.state_change < now() - $2::interval
        """;

    // The walsender streaming from the slot, and its client's last reply (as that client stamped it).
    private const string SlotStreamerSql = """
        SELECT r.pid, r.application_name, r.reply_time
        FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid
        WHERE s.slot_name = $1 AND s.database = current_database()
        """;

    // The silent session, and when it is a relay's (its own pool's application name), every session of that relay
    // process in this database: its delivery transactions in flight hold rows, inbox keys or the position, which the
    // relay taking over would otherwise wait for until the silent one wakes.
    private const string EndSql = """
        SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid))::int FROM pg_stat_activity a
        WHERE a.pid <> pg_backend_pid()
          AND (a.pid = $1 OR (strpos($2, $3) > 0 AND a.application_name = $2 AND a.datname = current_database()))
        """;

    /// <summary>The interval at which an active relay makes itself heard: a third of the lease, at least 100 ms.</summary>
    public static TimeSpan PingInterval(TimeSpan leaderTimeout) => TimeSpan.FromTicks(Math.Max(leaderTimeout.Ticks / 3, TimeSpan.FromMilliseconds(100).Ticks));

    /// <summary>Ends the session holding the leader lock <paramref name="lockKey"/> if it has been idle longer than <paramref name="leaderTimeout"/>.</summary>
    public static async Task<bool> EndLockHolderAsync(NpgsqlDataSource dataSource, string lockKey, TimeSpan leaderTimeout, string what, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var silent = await FindAsync(connection, LockHolderSql, [lockKey, leaderTimeout], cancellationToken).ConfigureAwait(false);
            return silent is { } s && await EndAsync(connection, s.Pid, s.Application, TimeSpan.FromSeconds((double)s.Silence!), leaderTimeout, what, logger, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the replication session streaming from <paramref name="slot"/> if <paramref name="watch"/> has seen no new
    /// reply from its client for <paramref name="leaderTimeout"/>.
    /// </summary>
    public static async Task<bool> EndSlotStreamerAsync(NpgsqlDataSource dataSource, string slot, TimeSpan leaderTimeout, StreamerWatch watch, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (await FindAsync(connection, SlotStreamerSql, [slot], cancellationToken).ConfigureAwait(false) is not { } streamer)
            {
                return false;
            }

            var silence = watch.Observe(streamer.Pid, streamer.Silence);
            return silence >= leaderTimeout
                && await EndAsync(connection, streamer.Pid, streamer.Application, silence, leaderTimeout, "slot " + slot, logger, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(int Pid, string Application, object? Silence)?> FindAsync(NpgsqlConnection connection, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        var find = new NpgsqlCommand(sql, connection);
        await using (find.ConfigureAwait(false))
        {
            foreach (var parameter in parameters)
            {
                find.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? (reader.GetInt32(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetValue(2))
                    : null;
            }
        }
    }

    private static async Task<bool> EndAsync(NpgsqlConnection connection, int pid, string application, TimeSpan silence, TimeSpan leaderTimeout, string what, ILogger logger, CancellationToken cancellationToken)
    {
        var end = new NpgsqlCommand(EndSql, connection)
        {
            Parameters = { new() { Value = pid }, new() { Value = application }, new() { Value = RelayDataSource.ApplicationNameMarker } },
        };
        await using (end.ConfigureAwait(false))
        {
            try
            {
                var ended = (int)(await end.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                DeliveryLog.SilentLeaderEnded(logger, what, pid, silence, leaderTimeout, ended);
                return ended > 0;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // Another role's (or a superuser's) session: only that role, a superuser or pg_signal_backend may end it.
                DeliveryLog.SilentLeaderNotEnded(logger, what, pid, silence, e.MessageText);
                return false;
            }
        }
    }
}

/// <summary>
/// What a standby has seen of a slot's streamer: its session and its client's last reply, and since when (by this
/// process's clock) they have not changed.
/// </summary>
internal sealed class StreamerWatch(TimeProvider time)
{
    private int _pid;
    private object? _reply;
    private long _since;

    /// <summary>How long, by this process's clock, <paramref name="pid"/> has shown <paramref name="reply"/>; zero at a change.</summary>
    public TimeSpan Observe(int pid, object? reply)
    {
        if (pid != _pid || !Equals(reply, _reply))
        {
            (_pid, _reply, _since) = (pid, reply, time.GetTimestamp());
            return TimeSpan.Zero;
        }

        return time.GetElapsedTime(_since);
    }
}
