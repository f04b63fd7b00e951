namespace OutboxSdk.Migrations;

/// <summary>
/// Turns migration 2's enqueue trigger on <c>messages</c> (and every partition's clone of it) off in Replication
/// mode, where nothing drains <c>pending</c>, and on again when a Notify relay starts. The trigger is disabled rather
/// than dropped so the migrations stay as released, and the switch is visible in <c>pg_trigger.tgenabled</c>.
/// ALTER TABLE … ENABLE/DISABLE TRIGGER needs the table's owner; only a mismatch is altered, so a role that
/// finds the trigger as its mode wants it needs no privilege beyond reading the catalog.
/// </summary>
internal static class RelayQueueSwitch
{
    public const string TriggerName = "relay_enqueue";

    /// <summary>Sets the trigger of <paramref name="schema"/>'s messages table and its partitions; returns how many were altered.</summary>
    public static async Task<int> SetAsync(NpgsqlConnection connection, string schema, bool enabled, CancellationToken cancellationToken)
    {
        var messages = OutboxSchema.QuoteIdentifier(schema) + ".\"messages\"";
        var tables = new List<string>();
        var find = new NpgsqlCommand("""
            SELECT n.nspname, c.relname
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_partition_tree(to_regclass($1)) p ON p.relid = t.tgrelid
            WHERE t.tgname = $2 AND (t.tgenabled = 'D') = $3
            ORDER BY p.level
            """, connection)
        {
            Parameters = { new() { Value = messages }, new() { Value = TriggerName }, new() { Value = enabled } },
        };
        await using (find.ConfigureAwait(false))
        {
            var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tables.Add(OutboxSchema.QuoteIdentifier(reader.GetString(0)) + "." + OutboxSchema.QuoteIdentifier(reader.GetString(1)));
                }
            }
        }

        // The parent comes first; on a server where that recurses, the partitions' statements are no-ops.
        foreach (var table in tables)
        {
            var alter = new NpgsqlCommand($"ALTER TABLE {table} {(enabled ? "ENABLE" : "DISABLE")} TRIGGER \"{TriggerName}\"", connection);
            await using (alter.ConfigureAwait(false))
            {
                await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return tables.Count;
    }

    /// <summary>How many messages wait in <c>pending</c> (queued by a Notify relay's trigger, not yet delivered).</summary>
    public static async Task<long> PendingAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT count(*) FROM {OutboxSchema.QuoteIdentifier(schema)}.\"pending\"", connection);
        await using (command.ConfigureAwait(false))
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>Whether the enqueue trigger of <paramref name="schema"/>'s messages table is enabled (it queues what is published).</summary>
    public static async Task<bool> EnabledAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2 AND tgenabled <> 'D')", connection)
        {
            Parameters = { new() { Value = OutboxSchema.QuoteIdentifier(schema) + ".\"messages\"" }, new() { Value = TriggerName } },
        };
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
