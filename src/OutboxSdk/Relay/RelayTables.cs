using Npgsql;

namespace OutboxSdk.Relay;

/// <summary>Creates the relay's queue table and trigger: idempotent, and serialised across processes.</summary>
internal static class RelayTables
{
    /// <summary>Returns whether the queue was created (and backfilled) now.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, sql.SetupLockKey).ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT to_regclass($1) IS NULL", connection) { Parameters = { new() { Value = sql.PendingRegclass } } };
            bool created;
            await using (command.ConfigureAwait(false))
            {
                created = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            // CREATE TRIGGER waits for writers in flight and blocks new ones until this commits, so the backfill
            // below and the trigger together see every committed row exactly once.
            await ExecuteAsync(connection, sql.Setup, cancellationToken).ConfigureAwait(false);
            if (created)
            {
                await ExecuteAsync(connection, sql.Backfill, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return created;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = new NpgsqlCommand(text, connection);
        await using (command.ConfigureAwait(false))
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
