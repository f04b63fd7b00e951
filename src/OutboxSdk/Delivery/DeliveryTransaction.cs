namespace OutboxSdk.Delivery;

/// <summary>
/// How every source ends a delivery's transaction. A commit is never cancelled (one interrupted on the client may
/// still have happened on the server). A failed delivery rolls back, unless its connection cannot: a handler that
/// was abandoned after its timeout may still be in a command on it, and a broken connection cannot answer; then the
/// session is ended from another connection, so its transaction rolls back on the server and releases what it held
/// (queue rows, inbox keys), and the connection is disposed only once the abandoned work has ended.
/// </summary>
internal sealed class DeliveryTransaction(NpgsqlDataSource dataSource, ILogger logger)
{
    public static Task CommitAsync(NpgsqlTransaction transaction) => transaction.CommitAsync(CancellationToken.None);

    /// <summary>A batch on a pooled connection of its own, for what is recorded after a given-up connection.</summary>
    public NpgsqlBatch CreateBatch() => dataSource.CreateBatch();

    /// <summary>
    /// Rolls back the delivery that failed with <paramref name="failure"/>. Returns true when the connection may be
    /// used again; false when the session of <paramref name="backend"/> (the connection's ProcessID, read before the
    /// handlers ran) had to be ended from outside: the caller then gives the connection up
    /// (<see cref="DisposeWhenDoneAsync"/>).
    /// </summary>
    public async Task<bool> RollbackAsync(NpgsqlTransaction transaction, int backend, Exception? failure)
    {
        if (failure is not HandlerAbandonedException && await TryRollbackAsync(transaction).ConfigureAwait(false))
        {
            return true;
        }

        await EndSessionAsync(backend).ConfigureAwait(false);
        return false;
    }

    /// <summary>Work that may still be using a given-up connection: <see cref="HandlerAbandonedException.Running"/>, if any.</summary>
    public static Task RunningOf(Exception? failure) => (failure as HandlerAbandonedException)?.Running ?? Task.CompletedTask;

    /// <summary>Disposes a given-up connection once <paramref name="running"/> (an abandoned handler) has ended.</summary>
    public static async Task DisposeWhenDoneAsync(NpgsqlConnection connection, Task running)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The handler's own outcome was recorded already as a timeout.
        }

        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // Its session was ended on the server; closing a broken connection may complain.
        }
    }

    /// <summary>Rolls back; false when the connection cannot (it broke, e.g. a command's cancellation timed out).</summary>
    private static async Task<bool> TryRollbackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>Ends a server session from another connection. A role may end its own sessions; if even that fails, the session ends when its connection does.</summary>
    private async Task EndSessionAsync(int backend)
    {
        try
        {
            var command = dataSource.CreateCommand("SELECT pg_terminate_backend($1)");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = backend });
                await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException e)
        {
            DeliveryLog.SessionNotEnded(logger, backend, e);
        }
    }
}
