using Npgsql;
using OutboxSdk.Schema;

namespace OutboxSdk.Relay;

/// <summary>
/// Creates the relay's queue table and trigger: idempotent, and serialised across processes. When they already
/// exist as this SDK would create them, nothing is executed: no DDL (which only the tables' owner may run, so a
/// least-privileged relay role starts against objects the owner set up, docs/security.md) and no lock on the
/// messages table (which would briefly block writers at every relay start).
/// </summary>
internal static class RelayTables
{
    private const string BodyQuote = "$relay$";

    /// <summary>Returns whether the queue was created (and backfilled) now.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, sql.SetupLockKey).ConfigureAwait(false);
            if (await IsCurrentAsync(connection, sql, cancellationToken).ConfigureAwait(false))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }

            var command = new NpgsqlCommand("SELECT to_regclass($1) IS NULL", connection) { Parameters = { new() { Value = sql.PendingRegclass } } };
            bool created;
            await using (command.ConfigureAwait(false))
            {
                created = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            // CREATE TRIGGER waits for writers in flight and blocks new ones until this commits, so the backfill
            // below and the trigger together see every committed row exactly once.
            try
            {
                await ExecuteAsync(connection, sql.Setup, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new InvalidOperationException(
                    $"The relay's queue table and trigger in schema \"{sql.Schema}\" are missing or from another SDK version, and this role cannot create them ({e.MessageText}). " +
                    $"Create them as the owner of the outbox tables: run the SQL of 'outbox script --roles --schema {sql.Schema}' (docs/security.md), or start the relay once with the owner role.", e);
            }

            if (created)
            {
                await ExecuteAsync(connection, sql.Backfill, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return created;
        }
    }

    /// <summary>
    /// The queue table, its index, the trigger function with exactly this SDK's body (it names the channel) and the
    /// trigger that calls it all exist.
    /// </summary>
    private static async Task<bool> IsCurrentAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        var schema = OutboxSchema.QuoteIdentifier(sql.Schema);
        var command = new NpgsqlCommand(
            """
            SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL
               AND (SELECT p.prosrc FROM pg_proc p WHERE p.oid = to_regprocedure($3)) = $4
               AND EXISTS (SELECT 1 FROM pg_trigger t
                           WHERE t.tgrelid = to_regclass($5) AND t.tgname = 'relay_enqueue' AND t.tgfoid = to_regprocedure($3) AND t.tgenabled <> 'D')
            """, connection)
        {
            Parameters =
            {
                new() { Value = sql.PendingRegclass },
                new() { Value = schema + ".\"pending_partition_key\"" },
                new() { Value = schema + ".\"relay_enqueue\"()" },
                new() { Value = FunctionBody(sql.Setup) },
                new() { Value = schema + ".\"messages\"" },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
    }

    // The text between the dollar quotes is what pg_proc.prosrc holds, byte for byte.
    internal static string FunctionBody(string setup)
    {
        var start = setup.IndexOf(BodyQuote, StringComparison.Ordinal) + BodyQuote.Length;
        var end = setup.IndexOf(BodyQuote, start, StringComparison.Ordinal);
        return start < BodyQuote.Length || end < 0 ? "" : setup[start..end];
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
