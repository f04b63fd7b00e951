using OutboxSdk.Delivery;
using OutboxSdk.Operations;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Delivers, after a lost slot, the outbox rows of the gap from the <c>messages</c> table (all of them in the Table
/// write mode; only replayed dead letters in the LogicalMessage write mode, whose other messages are lost), read in
/// the new slot's exported snapshot: a row visible there committed before the slot's consistent point, so it is not in
/// the new stream, and a row not visible is. Which rows: <see cref="ReplicationSql.GapMessagesSql"/>. They go through
/// the stream's delivery (decode by fingerprint, handlers, retries, dead letters) one by one in order, with the
/// handlers the inbox lists skipped, at positions (0, n) below every streamed event.
/// </summary>
internal static class GapReplay
{
    /// <returns>The next free ordinal.</returns>
    public static async Task<int> DeliverAsync(WalDeliveryContext context, NpgsqlConnection snapshot, NpgsqlTransaction transaction, WalDelivery delivery,
        DateTime lastCommit, int ordinal, CancellationToken cancellationToken)
    {
        var from = lastCommit - context.Options.Replication.GapReplayMargin;
        var tracked = await CommitTimestampsTrackedAsync(snapshot, transaction, cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand(tracked ? context.Sql.GapMessagesByCommitTimestamp : context.Sql.GapMessages, snapshot, transaction)
        {
            Parameters = { new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(from, DateTimeKind.Utc), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz } },
        };
        if (tracked)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(lastCommit, DateTimeKind.Utc), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        }

        int count;
        await using (command.ConfigureAwait(false))
        {
            (ordinal, count) = await DeliverRowsAsync(command, delivery, ordinal, null, cancellationToken).ConfigureAwait(false);
        }

        OperationsLog.GapDelivered(context.Logger, context.State.Slot, count, from);
        return ordinal;
    }

    /// <summary>
    /// Delivers, when the slot is first created, the messages the Notify relay's queue (<c>pending</c>) holds in the new
    /// slot's snapshot: published before the slot existed (by a publisher-only process, which creates no slot, or a
    /// Notify relay that had not delivered them), so not in its stream. The delivered ones are dequeued after the
    /// snapshot completes (<paramref name="delivered"/>); an interrupted snapshot delivers them again from a new one.
    /// </summary>
    /// <returns>The next free ordinal.</returns>
    public static async Task<int> DeliverQueuedAsync(WalDeliveryContext context, NpgsqlConnection snapshot, NpgsqlTransaction transaction, WalDelivery delivery,
        int ordinal, List<long> delivered, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(context.Sql.QueuedMessages, snapshot, transaction);
        int count;
        await using (command.ConfigureAwait(false))
        {
            (ordinal, count) = await DeliverRowsAsync(command, delivery, ordinal, delivered, cancellationToken).ConfigureAwait(false);
        }

        if (count > 0)
        {
            TopologyLog.QueuedDelivered(context.Logger, context.State.Slot, count);
        }

        return ordinal;
    }

    private static async Task<(int Ordinal, int Count)> DeliverRowsAsync(NpgsqlCommand command, WalDelivery delivery, int ordinal, List<long>? ids, CancellationToken cancellationToken)
    {
        var count = 0;
        // Read while delivering: the deliveries run on their own connections, this one only holds the snapshot.
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var headers = reader.GetString(6);
                var message = new Envelope(
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt64(4),
                    reader.GetFieldValue<byte[]>(5),
                    headers,
                    OutboxRowReader.TraceParentOf(headers),
                    reader.GetFieldValue<DateTime>(7),
                    EnvelopeSource.Outbox);
                var done = reader.GetFieldValue<string[]>(8);
                await delivery.DeliverAsync(message, new ReplicationPosition(0, ordinal++), message.CreatedAt, cancellationToken, done).ConfigureAwait(false);
                ids?.Add(reader.GetInt64(0));
                count++;
            }
        }

        return (ordinal, count);
    }

    private static async Task<bool> CommitTimestampsTrackedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT current_setting('track_commit_timestamp') = 'on'", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
