using OutboxSdk.Internal;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Resolves the <see cref="ReplicationNames"/> of this outbox once, from the server: the default slot name needs the
/// database (<c>current_database()</c>, the truth whatever alias a pooler gives it). An existing deployment whose slot
/// has the name of earlier versions (<see cref="ReplicationNames.LegacySlot"/>, no database in it) keeps it: when that
/// slot exists in this database, or this outbox's <c>replication_positions</c> has a row for it (a slot that streamed
/// here and was lost since), and nothing exists yet under the new name. Switching would orphan the old slot — it would
/// hold WAL until the disk fills — and start a new one past whatever the old one had not delivered. An explicit
/// <see cref="ReplicationOptions.SlotName"/> is always used as it is.
/// </summary>
internal sealed class ReplicationNaming(OutboxOptions options, ILogger? logger = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ReplicationNames? _names;

    /// <summary>The resolved names.</summary>
    /// <exception cref="InvalidOperationException">Used before <see cref="ResolveAsync(NpgsqlConnection, CancellationToken)"/>.</exception>
    public ReplicationNames Names => _names ?? throw new InvalidOperationException(
        "the replication slot's name is read from the server at startup (ReplicationStartupService) and was used before; start the host first.");

    /// <summary>The resolved names, or null before startup resolved them.</summary>
    public ReplicationNames? Resolved => _names;

    public async Task<ReplicationNames> ResolveAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (_names is { } names)
        {
            return names;
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ResolveAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ReplicationNames> ResolveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_names is { } names)
        {
            return names;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_names is { } raced)
            {
                return raced;
            }

            var database = (string)(await PgCommand.ScalarAsync(connection, "SELECT current_database()::text", cancellationToken).ConfigureAwait(false))!;
            var slot = options.Replication.SlotName ?? await ChooseDefaultSlotAsync(connection, database, cancellationToken).ConfigureAwait(false);
            var resolved = ReplicationNames.For(options, database, slot);
            _names = resolved;
            return resolved;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> ChooseDefaultSlotAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var current = ReplicationNames.DefaultSlot(options.Schema, database);
        var legacy = ReplicationNames.LegacySlot(options.Schema);
        var positions = OutboxSchema.QuoteIdentifier(options.Schema) + ".\"replication_positions\"";
        // Whether each name is ours here: a slot of this database by that name, or a position row (a slot that streamed
        // for this outbox, maybe lost since). The positions table exists once the migrations ran.
        // A publisher role may not read it (docs/security.md): then only the slots tell.
        var tracked = (bool)(await PgCommand.ScalarAsync(connection, "SELECT to_regclass($1) IS NOT NULL AND has_table_privilege(to_regclass($1), 'SELECT')", cancellationToken, positions).ConfigureAwait(false))!;
        var sql = $"""
            SELECT n.name, EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.slot_name = n.name AND s.database = current_database())
                {(tracked ? $"OR EXISTS (SELECT 1 FROM {positions} p WHERE p.\"slot\" = n.name)" : "")}
            FROM (VALUES ($1::text), ($2::text)) AS n(name)
            """;
        var ours = new Dictionary<string, bool>(StringComparer.Ordinal);
        var command = new NpgsqlCommand(sql, connection)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = current }, new NpgsqlParameter<string> { TypedValue = legacy } },
        };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ours[reader.GetString(0)] = reader.GetBoolean(1);
                }
            }
        }

        if (current != legacy && !ours.GetValueOrDefault(current) && ours.GetValueOrDefault(legacy))
        {
            TopologyLog.LegacySlotKept(logger ?? NullLogger.Instance, legacy, options.Schema, database, current);
            return legacy;
        }

        return current;
    }
}
