using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Observability;

/// <summary>
/// What the Replication relay owes, as <c>outbox status</c> shows it: the slot's lag (WAL written that the slot has not
/// confirmed, whatever it holds: outbox rows, table-less messages, change-feed changes, other databases' WAL) and the
/// outbox messages written after the last processed commit (their count and the oldest one's age; a lower bound, as
/// table-less messages and row changes have no row to count).
/// </summary>
/// <param name="Slot">The slot the relay streams from (the one with the latest position row of the outbox), or the default slot.</param>
/// <param name="LagBytes">pg_current_wal_lsn() − confirmed_flush_lsn; null when the slot is missing or lost.</param>
/// <param name="Messages">Outbox rows created after the last processed commit.</param>
/// <param name="OldestAge">The oldest of those rows' age; zero when none.</param>
/// <param name="LastProcessedCommit">The commit time of the last transaction the relay processed (or of its snapshot); null before any.</param>
public sealed record ReplicationBacklog(string Slot, long? LagBytes, long Messages, TimeSpan OldestAge, DateTimeOffset? LastProcessedCommit)
{
    internal static async Task<ReplicationBacklog> ReadAsync(NpgsqlConnection connection, string schema, IReadOnlyList<OutboxSdk.Operations.ReplicationSlotInfo> slots,
        CancellationToken cancellationToken)
    {
        var sql = new ReplicationSql(schema);
        var database = (string)(await OutboxSdk.Internal.PgCommand.ScalarAsync(connection, "SELECT current_database()::text", cancellationToken).ConfigureAwait(false))!;
        string slot = OutboxSdk.Sources.Wal.ReplicationNames.DefaultSlot(schema, database);
        DateTimeOffset? lastCommit = null;
        // The relay's slot: of the slots that streamed for this outbox (a position row), an existing one last updated.
        var pick = new NpgsqlCommand($"""
            SELECT p."slot", p."commit_time" FROM {sql.PositionsTable} p
            ORDER BY EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.slot_name = p."slot" AND s.database = current_database()) DESC, p."updated_at" DESC
            LIMIT 1
            """, connection);
        await using (pick.ConfigureAwait(false))
        {
            var reader = await pick.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    slot = reader.GetString(0);
                    lastCommit = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero);
                }
            }
        }

        var backlog = new NpgsqlCommand(sql.Backlog, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = slot } } };
        await using (backlog.ConfigureAwait(false))
        {
            var reader = await backlog.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var lag = slots.FirstOrDefault(s => s.Name == slot)?.LagBytes;
                return new ReplicationBacklog(slot, lag, reader.GetInt64(0), TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(1))), lastCommit);
            }
        }
    }
}
