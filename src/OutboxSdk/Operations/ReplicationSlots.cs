using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// Reads and drops replication slots for operations tools (<c>outbox status</c>, <c>outbox slots</c>). A slot is
/// dropped only by its exact name and only when no connection streams from it; nothing here drops a slot on its own.
/// </summary>
public static class ReplicationSlots
{
    // The lag and retained WAL of a lost slot mean nothing (its WAL is gone), so they are null then.
    private const string Columns = """
        s.slot_name::text, s.plugin::text, s.active, s.active_pid, s.confirmed_flush_lsn::text,
        CASE WHEN s.wal_status <> 'lost' AND NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint END,
        CASE WHEN s.wal_status <> 'lost' AND NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint END,
        COALESCE(s.wal_status, 'missing'), s.safe_wal_size
        """;

    /// <summary>Every replication slot of the connected database (and the cluster's physical slots), by name.</summary>
    public static async Task<IReadOnlyList<ReplicationSlotInfo>> ListAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, $"SELECT {Columns} FROM pg_replication_slots s WHERE s.database IS NULL OR s.database = current_database() ORDER BY 1", null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The slots of the outbox in <paramref name="schema"/>: the default slot of the schema in the connected database,
    /// the default name of earlier versions (<c>outbox_&lt;schema&gt;</c>) when such a slot belongs to this database, and
    /// every slot with a row in its <c>replication_positions</c> table; one that has a row but no longer exists is
    /// reported as <see cref="ReplicationSlotInfo.Missing"/>. Empty when the schema has no such table and no default slot.
    /// </summary>
    public static async Task<IReadOnlyList<ReplicationSlotInfo>> ForSchemaAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);
        var positions = OutboxSchema.QuoteIdentifier(schema) + ".\"replication_positions\"";
        var known = await ReadAsync(connection, "SELECT to_regclass($1) IS NOT NULL, current_database()::text", [positions], static r => (r.GetBoolean(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        var (tracked, database) = known[0];
        // has_row: the slot streamed for this outbox once, so its absence is worth reporting. A default name counts only
        // for a slot of this database: another database's outbox of the same schema may hold the name of earlier versions.
        var names = "SELECT $1::text, false UNION ALL SELECT $2::text, false" + (tracked ? $" UNION ALL SELECT \"slot\", true FROM {positions}" : "");
        var sql = $"""
            SELECT {Columns.Replace("s.slot_name::text", "n.name", StringComparison.Ordinal)}
            FROM (SELECT name, bool_or(has_row) FROM ({names}) AS a(name, has_row) GROUP BY name) AS n(name, has_row)
            LEFT JOIN pg_replication_slots s ON s.slot_name = n.name
            WHERE (s.slot_name IS NOT NULL AND s.database = current_database()) OR n.has_row
            ORDER BY 1
            """;
        return await ReadAsync(connection, sql, [ReplicationNames.DefaultSlot(schema, database), ReplicationNames.LegacySlot(schema)], SlotRow, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One slot by name (its state now); a slot that does not exist is reported as <see cref="ReplicationSlotInfo.Missing"/>.</summary>
    internal static async Task<ReplicationSlotInfo> ReadOneAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {Columns.Replace("s.slot_name::text", "n.name", StringComparison.Ordinal)}
            FROM (SELECT $1::text) AS n(name) LEFT JOIN pg_replication_slots s ON s.slot_name = n.name
            """;
        return (await ReadAsync(connection, sql, slot, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Drops the slot named exactly <paramref name="slot"/> and returns what it was. Refuses a slot a connection
    /// streams from (stop that consumer first) and a name that does not exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">No slot has that name, or it is active.</exception>
    public static async Task<ReplicationSlotInfo> DropAsync(NpgsqlDataSource dataSource, string slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(slot);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var info = await ReadOneAsync(connection, slot, cancellationToken).ConfigureAwait(false);
            if (info.WalStatus == ReplicationSlotInfo.Missing)
            {
                throw new InvalidOperationException($"there is no replication slot named '{slot}' (run 'outbox slots list' to see the slots)");
            }

            if (info.Active)
            {
                throw new InvalidOperationException($"replication slot '{slot}' is active (pid {info.ActivePid}): stop the process that streams from it first; nothing was dropped");
            }

            try
            {
                await ReadAsync(connection, "SELECT pg_drop_replication_slot($1)", [slot], static _ => 0, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // A consumer took the slot between the check and the drop.
                throw new InvalidOperationException($"replication slot '{slot}' became active: {e.MessageText}; nothing was dropped", e);
            }

            return info;
        }
    }

    private static Task<List<ReplicationSlotInfo>> ReadAsync(NpgsqlConnection connection, string sql, string? parameter, CancellationToken cancellationToken) =>
        ReadAsync(connection, sql, parameter is null ? [] : [parameter], SlotRow, cancellationToken);

    private static ReplicationSlotInfo SlotRow(NpgsqlDataReader r) => new(
            r.GetString(0),
            r.IsDBNull(1) ? null : r.GetString(1),
            !r.IsDBNull(2) && r.GetBoolean(2),
            r.IsDBNull(3) ? null : r.GetInt32(3),
            r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : r.GetInt64(5),
            r.IsDBNull(6) ? null : r.GetInt64(6),
            r.GetString(7),
            r.IsDBNull(8) ? null : r.GetInt64(8));

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, object[] parameters, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            var rows = new List<T>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(row(reader));
                }
            }

            return rows;
        }
    }
}
