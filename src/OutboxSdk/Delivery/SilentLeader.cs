using OutboxSdk.Internal;

namespace OutboxSdk.Delivery;

/// <summary>
/// How a standby relay takes over from an active relay that went silent — paused (SIGSTOP, a frozen VM) or cut off
/// by a network that drops packets without closing sockets — instead of waiting for it to come back or for the
/// kernel to give up on its socket (minutes to hours). The active relay is heard on its server session every
/// <see cref="OutboxOptions.LeaderTimeout"/>/3: the Notify leader pings its lock connection, the Replication relay's
/// stream sends a status update every second. When that session has been silent longer than
/// <see cref="OutboxOptions.LeaderTimeout"/> by the server's clock, the standby ends it with
/// <c>pg_terminate_backend</c>: the server releases the leader lock (or the slot), and the standby takes them as
/// usual. The database is the fence, not timing: the silent relay's session is gone, so if it wakes it cannot
/// stream, acknowledge or keep leading; its delivery transactions in flight hold their rows (and so their
/// keys), and either commit, once, or roll back — unless the relay had a pool of its own (<see cref="RelayDataSource"/>),
/// whose application name names the process: then every session of it is ended, its deliveries in flight too. Ending a
/// session needs the same role as the relay it ends (or membership in <c>pg_signal_backend</c>).
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

    // The walsender streaming from the slot, when its client has not replied since before the lease.
    private const string SlotStreamerSql = """
        SELECT r.pid, r.application_name, EXTRACT(EPOCH FROM now() - coalesce(r.reply_time, r.backend_start))::float8
        FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid
        WHERE s.slot_name = $1 AND s.database = current_database()
          AND coalesce(r.reply_time, r.backend_start) < now() - $2::interval
        """;

    // The silent session, and when it is a relay's (its own pool's application name), every session of that relay
    // process in this database: its delivery transactions in flight hold rows, inbox keys or the position, which the
    // relay taking over would otherwise wait for until the silent one wakes.
    private const string EndSql = """
        SELECT count(pg_terminate_backend(a.pid))::int FROM pg_stat_activity a
        WHERE a.pid <> pg_backend_pid()
          AND (a.pid = $1 OR (strpos($2, $3) > 0 AND a.application_name = $2 AND a.datname = current_database()))
        """;

    /// <summary>The interval at which an active relay makes itself heard: a third of the lease, at least 100 ms.</summary>
    public static TimeSpan PingInterval(TimeSpan leaderTimeout) => TimeSpan.FromTicks(Math.Max(leaderTimeout.Ticks / 3, TimeSpan.FromMilliseconds(100).Ticks));

    /// <summary>Ends the session holding the leader lock <paramref name="lockKey"/> if it has been silent longer than <paramref name="leaderTimeout"/>.</summary>
    public static Task<bool> EndLockHolderAsync(NpgsqlDataSource dataSource, string lockKey, TimeSpan leaderTimeout, string what, ILogger logger, CancellationToken cancellationToken) =>
        EndAsync(dataSource, LockHolderSql, lockKey, leaderTimeout, what, logger, cancellationToken);

    /// <summary>Ends the replication session streaming from <paramref name="slot"/> if its client has been silent longer than <paramref name="leaderTimeout"/>.</summary>
    public static Task<bool> EndSlotStreamerAsync(NpgsqlDataSource dataSource, string slot, TimeSpan leaderTimeout, ILogger logger, CancellationToken cancellationToken) =>
        EndAsync(dataSource, SlotStreamerSql, slot, leaderTimeout, "slot " + slot, logger, cancellationToken);

    private static async Task<bool> EndAsync(NpgsqlDataSource dataSource, string sql, string name, TimeSpan leaderTimeout, string what, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int pid;
            string application;
            double silence;
            var find = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = name }, new() { Value = leaderTimeout } } };
            await using (find.ConfigureAwait(false))
            {
                var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    (pid, application, silence) = (reader.GetInt32(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetDouble(2));
                }
            }

            var end = new NpgsqlCommand(EndSql, connection)
            {
                Parameters = { new() { Value = pid }, new() { Value = application }, new() { Value = RelayDataSource.ApplicationNameMarker } },
            };
            await using (end.ConfigureAwait(false))
            {
                var ended = (int)(await end.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                DeliveryLog.SilentLeaderEnded(logger, what, pid, TimeSpan.FromSeconds(silence), leaderTimeout, ended);
                return ended > 0;
            }
        }
    }
}
