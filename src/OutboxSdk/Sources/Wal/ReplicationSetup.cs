using OutboxSdk.Delivery;
using OutboxSdk.Operations;
using OutboxSdk.Migrations;
using OutboxSdk.Internal;
using OutboxSdk.Hosting;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Creates and checks the publication and the slot, idempotently, under a session advisory lock so that several
/// instances starting at once do it one after another. The publication covers the outbox's <c>messages</c> table
/// (with <c>publish_via_partition_root</c>, as it is partitioned) and the change-feed tables; tables are added,
/// never removed. The slot (pgoutput) is created when missing on a first start; a slot that existed once (its
/// position row is there) and is gone or lost is recreated only in <see cref="SnapshotMode.WhenNeeded"/>, else it is
/// an error: a new slot would silently skip what happened in between. In WhenNeeded the new slot's snapshot covers
/// the gap: the change-feed tables' rows and the outbox rows of the messages table not yet delivered
/// (<see cref="SnapshotRunner"/>); in the LogicalMessage write mode the gap's messages are lost and the log says so.
/// Only a lost slot, or one whose snapshot was interrupted, is dropped here.
/// </summary>
internal static class ReplicationSetup
{
    // All operations: the change feed needs update/delete/truncate, and the relay reads a messages delete as
    // "retention is moving rows between partitions" (ReplicationConsumer).

    // createWithSnapshot (SnapshotRunner; null in a publisher-only process) creates the slot with an exported snapshot
    // and delivers from it the change-feed tables' rows and, after a lost slot, the outbox rows of the gap (its
    // argument: the last commit time the lost slot's stream processed, or null). It is used instead of
    // pg_create_logical_replication_slot when either is due.
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, ReplicationNames names, SnapshotMode snapshotMode, OutboxWriteMode writeMode,
        IReadOnlyList<(string Schema, string Table)> changeTables, Func<string, DateTime?, CancellationToken, Task>? createWithSnapshot, ILogger logger, CancellationToken cancellationToken,
        bool failoverSlot = false)
    {
        var sql = new ReplicationSql(names.Schema);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A session lock, not a transaction's: pg_create_logical_replication_slot refuses to run in a
            // transaction that has written (CREATE PUBLICATION has), so each step commits on its own.
            await PgCommand.ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtextextended($1, 0))", cancellationToken, sql.SetupLockKey).ConfigureAwait(false);
            try
            {
                List<(string Schema, string Table)> tables = [(names.Schema, "messages"), .. changeTables];
                await PublicationSetup.EnsureAsync(connection, names.Publication, tables, logger, cancellationToken).ConfigureAwait(false);
                // The queue is turned off only once the slot exists: a message committed in between would be in neither.
                // While it is on, a new slot is created with a snapshot, which delivers what the queue holds at the
                // slot's start; what is queued after that start is in the slot's stream.
                var (queueOn, pending) = await ReadNotifyQueueAsync(connection, names.Schema, cancellationToken).ConfigureAwait(false);
                var slot = new SlotPlan(names.Schema, names.Slot, snapshotMode, TablesDue: changeTables.Count > 0 && snapshotMode != SnapshotMode.Never, writeMode,
                    Queued: queueOn || pending > 0, Failover: failoverSlot);
                var queueDelivered = await EnsureSlotAsync(connection, sql, slot, createWithSnapshot, logger, cancellationToken).ConfigureAwait(false);
                await DisableNotifyQueueAsync(connection, names.Schema, logger, cancellationToken).ConfigureAwait(false);
                if (queueDelivered)
                {
                    await ClearNotifyQueueAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                }
                else if (pending > 0)
                {
                    WalLog.NotifyQueueNotEmpty(logger, pending, names.Schema);
                }
            }
            finally
            {
                await PgCommand.ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", CancellationToken.None, sql.SetupLockKey).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the Notify queue's trigger is on, and how many messages the queue holds (0 when this role may not read it).</summary>
    private static async Task<(bool On, long Pending)> ReadNotifyQueueAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var on = await RelayQueueSwitch.EnabledAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        try
        {
            return (on, await RelayQueueSwitch.PendingAsync(connection, schema, cancellationToken).ConfigureAwait(false));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // A role that may not read the Notify relay's queue has no business with it: nothing to report.
            return (on, 0);
        }
    }

    /// <summary>
    /// After a new slot's snapshot delivered the queue (and the trigger is off): what is left in it was queued after the
    /// slot's start, so it is in the slot's stream, or was dead-lettered; the Notify relay must not deliver it again.
    /// </summary>
    private static async Task ClearNotifyQueueAsync(NpgsqlConnection connection, ReplicationSql sql, CancellationToken cancellationToken)
    {
        try
        {
            await PgCommand.ExecuteAsync(connection, sql.ClearQueue, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // As above: a role without the queue leaves it to its owner.
        }
    }

    /// <summary>
    /// Turns the Notify relay's enqueue trigger off: in this mode nothing drains <c>pending</c> but a new slot's
    /// snapshot, which delivers what it holds (published before the slot existed).
    /// </summary>
    private static async Task DisableNotifyQueueAsync(NpgsqlConnection connection, string schema, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var altered = await RelayQueueSwitch.SetAsync(connection, schema, enabled: false, cancellationToken).ConfigureAwait(false);
            if (altered > 0)
            {
                WalLog.QueueTriggerDisabled(logger, altered, schema);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            WalLog.QueueTriggerNotDisabled(logger, schema, e.MessageText);
        }
    }

    /// <summary>Whether the slot exists (in any state).</summary>
    public static async Task<bool> SlotExistsAsync(NpgsqlDataSource dataSource, string slot, CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <returns>Whether the Notify queue's messages were delivered (a new slot with no gap of its own, <see cref="GapReplay.DeliverQueuedAsync"/>).</returns>
    private static async Task<bool> EnsureSlotAsync(NpgsqlConnection connection, ReplicationSql sql, SlotPlan plan,
        Func<string, DateTime?, CancellationToken, Task>? createWithSnapshot, ILogger logger, CancellationToken cancellationToken)
    {
        var slot = plan.Slot;
        var check = new NpgsqlCommand("""
            SELECT s.plugin, s.database = current_database(), s.wal_status = 'lost', s.database::text, current_database()::text
            FROM pg_replication_slots s WHERE s.slot_name = $1
            """, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = slot } } };
        string? plugin = null;
        var sameDatabase = true;
        var lost = false;
        string? slotDatabase = null;
        var database = "";
        await using (check.ConfigureAwait(false))
        {
            var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    plugin = reader.IsDBNull(0) ? "(physical)" : reader.GetString(0);
                    sameDatabase = !reader.IsDBNull(1) && reader.GetBoolean(1);
                    lost = !reader.IsDBNull(2) && reader.GetBoolean(2);
                    slotDatabase = reader.IsDBNull(3) ? null : reader.GetString(3);
                    database = reader.GetString(4);
                }
            }
        }

        if (plugin is not null)
        {
            if (SlotConflict(slot, plugin, sameDatabase, slotDatabase, database) is { } conflict)
            {
                throw new InvalidOperationException(conflict);
            }
        }

        var position = await ReadGapBoundAsync(connection, sql, slot, cancellationToken).ConfigureAwait(false);
        var known = position is not null;
        if (plugin is not null && !lost && position is { SnapshotDone: false } interrupted && createWithSnapshot is not null)
        {
            // Our own slot whose snapshot was interrupted: the snapshot can only be taken at a slot's creation. A gap
            // replay it was doing kept its bound in the position row (ReplicationSql.AdvancePosition): done again.
            var gap = interrupted.HasCommitTime ? interrupted.Bound : (DateTime?)null;
            WalLog.SlotLost(logger, slot, "its initial snapshot did not complete; dropping it and creating it again with a new snapshot");
            await PgCommand.ExecuteAsync(connection, "SELECT pg_drop_replication_slot($1)", cancellationToken, slot).ConfigureAwait(false);
            await createWithSnapshot(slot, gap, cancellationToken).ConfigureAwait(false);
            return gap is null;
        }

        if (plugin is not null && !lost)
        {
            if (!known)
            {
                // A slot made by a DBA (or by 'outbox' tooling) before the first start: adopt it.
                await ResetPositionAsync(connection, sql, slot, snapshotDone: true, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        var keepSize = plugin is not null || known ? await PgCommand.ScalarAsync(connection, "SELECT current_setting('max_slot_wal_keep_size')", cancellationToken).ConfigureAwait(false) : null;
        var what = lost ? "invalidated (wal_status lost)" : "dropped";
        if ((plugin is not null || known) && plan.Mode != SnapshotMode.WhenNeeded)
        {
            OperationsLog.SlotLostStopping(logger, slot, what, keepSize?.ToString() ?? "?", plan.Mode);
            throw new SlotLostException(slot, 
                $"The replication slot '{slot}' was {(lost ? "invalidated (its WAL was removed, see max_slot_wal_keep_size)" : "dropped")}, so changes made since its last acknowledged position are gone from the stream. " +
                "Recreating it would skip them silently. To start a new slot anyway, drop the old one if it is still listed (SELECT pg_drop_replication_slot(...)) and " +
                $"delete its row from the replication_positions table, or set OutboxOptions.Replication.SnapshotMode = WhenNeeded to recreate it with a new snapshot " +
                "(and, in the Table write mode, a delivery of the gap's outbox rows from the messages table; docs/operations.md).");
        }

        // Only a slot we processed from has a gap of ours (a DBA's slot never started is simply replaced). The messages
        // table is read in both write modes: in LogicalMessage mode it holds only replayed dead letters.
        var gapFrom = position?.Bound;
        var viaSnapshot = plan.TablesDue || gapFrom is not null || plan.Queued;
        if ((plugin is not null || known) && viaSnapshot && createWithSnapshot is null)
        {
            // A publisher-only process: the recovery delivers messages and rows, which is the relay's to do. Creating
            // a plain slot here would make the relay find a healthy slot and skip the gap.
            throw new SlotLostException(slot,
                $"The replication slot '{slot}' was {what}; with SnapshotMode WhenNeeded the relay recreates it and delivers the gap, so this publisher-only process leaves it to the relay.");
        }

        if (plugin is not null || known)
        {
            OperationsLog.SlotLostRecovering(logger, slot, what, keepSize?.ToString() ?? "?", GapMessagesStory(plan, gapFrom), plan.TablesDue
                ? "delivering a new snapshot of the change-feed tables to cover the gap"
                : "none to snapshot");
        }

        if (plugin is not null)
        {
            WalLog.SlotLost(logger, slot, "dropping the lost slot and creating a new one (SnapshotMode.WhenNeeded)");
            await PgCommand.ExecuteAsync(connection, "SELECT pg_drop_replication_slot($1)", cancellationToken, slot).ConfigureAwait(false);
        }
        else if (known)
        {
            WalLog.SlotLost(logger, slot, "creating a new one (SnapshotMode.WhenNeeded)");
        }

        var queuedDelivered = false;
        if (viaSnapshot && createWithSnapshot is not null)
        {
            await createWithSnapshot(slot, gapFrom, cancellationToken).ConfigureAwait(false);
            queuedDelivered = gapFrom is null;
        }
        else
        {
            var (version, versionText) = await PostgresVersions.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            var (create, failover) = PostgresVersions.CreateSlotSql(version, plan.Failover);
            var lsn = await PgCommand.ScalarAsync(connection, create, cancellationToken, slot).ConfigureAwait(false);
            if (plan.Failover && !failover)
            {
                TopologyLog.FailoverSlotUnavailable(logger, slot, $"the server is PostgreSQL {versionText}; failover slots need {PostgresVersions.FailoverSlots}+");
            }

            await ResetPositionAsync(connection, sql, slot, snapshotDone: true, cancellationToken).ConfigureAwait(false);
            WalLog.SlotCreated(logger, slot, lsn?.ToString() ?? "?");
        }

        if (plugin is not null || known)
        {
            SlotInstrumentation.Recreated(plan.Schema, slot, plan.WriteMode == OutboxWriteMode.LogicalMessage ? "lost" : gapFrom is not null ? "replayed" : "none");
        }

        return queuedDelivered;
    }

    /// <summary>
    /// Null when an existing slot named <paramref name="slot"/> can be this outbox's, else the error: a slot is an object of
    /// the whole cluster, so the name may be taken by another database's slot, a physical slot or another plugin's.
    /// </summary>
    internal static string? SlotConflict(string slot, string plugin, bool sameDatabase, string? slotDatabase, string database)
    {
        if (slotDatabase is null)
        {
            return $"The replication slot '{slot}' exists but is a physical slot (a standby's), not a logical slot of database '{database}'; "
                + "set OutboxOptions.Replication.SlotName to a free name.";
        }

        if (!sameDatabase)
        {
            return $"The replication slot '{slot}' exists but belongs to database '{slotDatabase}', not to '{database}': slot names are shared by "
                + "every database of the cluster. Set OutboxOptions.Replication.SlotName to a name of its own for this database's outbox "
                + "(leave the other database's slot alone: its relay streams from it).";
        }

        return plugin == "pgoutput" ? null
            : $"The replication slot '{slot}' exists in database '{database}' but decodes with the plugin '{plugin}', not pgoutput; "
                + "set OutboxOptions.Replication.SlotName to a free name, or drop that slot if nothing uses it.";
    }

    /// <summary>What becomes of the outbox messages written in the gap, for event 5103.</summary>
    private static string GapMessagesStory(SlotPlan plan, DateTime? gapFrom) => plan.WriteMode == OutboxWriteMode.LogicalMessage
        ? "LOST. In the LogicalMessage write mode an outbox message exists only in the WAL, and the WAL of the gap was removed: the messages published since the last confirmed position cannot be delivered and no table holds them; find what the publishers sent in that time from their own records (rows of the messages table, replayed dead letters, are delivered from it)"
        : gapFrom is { } from
            ? $"delivering the outbox messages of the gap from the messages table, read in the new slot's snapshot: rows whose transaction began at most GapReplayMargin before {from:O} (the last processed commit), skipping handlers the inbox lists and dead-lettered messages; messages of the margin delivered before may come again to handlers that do not use IOutboxContext"
            : "none recorded (the slot never processed a position), so none replayed";

    private static async Task<GapBound?> ReadGapBoundAsync(NpgsqlConnection connection, ReplicationSql sql, string slot, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql.GapBound, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = slot } } };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new GapBound(reader.GetFieldValue<DateTime>(0), reader.GetBoolean(1), reader.GetBoolean(2))
                    : null;
            }
        }
    }

    private static async Task ResetPositionAsync(NpgsqlConnection connection, ReplicationSql sql, string slot, bool snapshotDone, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql.ResetPosition, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = slot },
                new NpgsqlParameter { Value = snapshotDone ? DateTime.UtcNow : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }


}

/// <summary>
/// What the setup is asked for: the outbox schema, the slot, the snapshot mode, whether change-feed tables are to be
/// snapshotted, the write mode, and whether the Notify queue holds messages (delivered when the slot is created).
/// </summary>
internal sealed record SlotPlan(string Schema, string Slot, SnapshotMode Mode, bool TablesDue, OutboxWriteMode WriteMode, bool Queued = false, bool Failover = false);

/// <summary>
/// A slot's position row, as a gap's lower bound: its last processed commit time (or its last reset when it processed
/// nothing), whether its snapshot completed, and whether a commit time is recorded.
/// </summary>
internal sealed record GapBound(DateTime Bound, bool SnapshotDone, bool HasCommitTime);
