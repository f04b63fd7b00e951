using OutboxSdk.Migrations;
using OutboxSdk.Internal;

namespace OutboxSdk.Sources.Notify;

/// <summary>
/// Checks, at the relay's start, that migration 2's enqueue trigger exists and notifies this relay's channel. The
/// migration makes it notify the default channel; a relay configured with another <c>NotifyChannel</c> installs the
/// trigger function again with its own, once, under an advisory lock.
/// </summary>
internal static class RelayTrigger
{
    /// <summary>Returns whether the function was installed now (false: it already notified this channel).</summary>
    /// <exception cref="InvalidOperationException">The queue's trigger function does not exist (migration 2 not applied).</exception>
    public static async Task<bool> EnsureChannelAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        if (await ReadBodyAsync(connection, sql, cancellationToken).ConfigureAwait(false) == sql.EnqueueFunctionBody)
        {
            return false;
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await PgCommand.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, sql.SetupLockKey).ConfigureAwait(false);
            var body = await ReadBodyAsync(connection, sql, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException(
                    $"The relay's queue trigger {sql.EnqueueFunctionSignature} does not exist: apply the outbox migrations (version 2 creates it) with " +
                    $"'outbox migrate --connection <connection string> --schema {sql.Schema}' or set OutboxOptions.ApplyMigrations = true.");
            if (body == sql.EnqueueFunctionBody)
            {
                return false; // another relay installed it meanwhile
            }

            try
            {
                await PgCommand.ExecuteAsync(connection, sql.EnqueueFunction, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new InvalidOperationException(
                    $"The relay's queue trigger does not notify its channel {sql.Channel}, and this role cannot change it ({e.MessageText}): " +
                    $"run, as the owner of the outbox tables, the SQL of 'outbox script --roles --schema {sql.Schema} --channel {sql.Channel}'.", e);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Enables the enqueue trigger again when Replication mode turned it off; returns whether it did. Messages
    /// written meanwhile are not queued (the replication slot carried them), see docs/replication.md.
    /// </summary>
    public static async Task<bool> EnableQueueAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        try
        {
            return await RelayQueueSwitch.SetAsync(connection, sql.Schema, enabled: true, cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"The relay's queue trigger on {sql.Schema}.messages is disabled (Replication mode turned it off) and this role cannot enable it ({e.MessageText}): " +
                $"as the owner of the outbox tables run ALTER TABLE {sql.Schema}.messages ENABLE TRIGGER relay_enqueue (and on each partition whose trigger is still disabled).", e);
        }
    }

    private static async Task<string?> ReadBodyAsync(NpgsqlConnection connection, RelaySql sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure($1)", connection)
        {
            Parameters = { new() { Value = sql.EnqueueFunctionSignature } },
        };
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
    }

}
