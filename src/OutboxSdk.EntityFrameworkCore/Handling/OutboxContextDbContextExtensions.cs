using OutboxSdk.EntityFrameworkCore.Publishing;

namespace OutboxSdk;

/// <summary>Handlers that write through EF Core with exactly-once effect (docs/efcore.md, "Handlers").</summary>
public static class OutboxContextDbContextExtensions
{
    /// <summary>
    /// Puts <paramref name="context"/> on the delivery's connection and transaction (<c>Database.SetDbConnection</c> and
    /// <c>UseTransaction</c>), so what it saves commits together with the delivery's completion mark — or rolls back
    /// with it when the handler fails. Call it before the context's first query; calling it again for the same delivery
    /// is harmless. The relay owns the transaction: do not commit it, and do not give the context a retrying execution
    /// strategy (the relay retries the whole delivery).
    /// </summary>
    /// <returns><paramref name="context"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The context is not on Npgsql, retries on failure, or is already using another connection or transaction.</exception>
    public static async Task<TContext> EnlistAsync<TContext>(this IOutboxContext delivery, TContext context, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(context);
        EfTransactions.RequireNpgsql(context);
        var database = context.Database;
        if (database.CurrentTransaction is { } current)
        {
            if (ReferenceEquals(current.GetDbTransaction(), delivery.Transaction))
            {
                return context;
            }

            throw new InvalidOperationException(
                $"{typeof(TContext).Name} already has a transaction of its own; enlist it in the delivery (`await delivery.EnlistAsync(db)`) before it begins one or runs a query.");
        }

        if (database.CreateExecutionStrategy().RetriesOnFailure)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} is configured with a retrying execution strategy (EnableRetryOnFailure), which EF Core does not allow inside a transaction it did not begin. " +
                "The relay already retries the whole delivery: give the handler's context no retries, e.g. `UseNpgsql(dataSource, o => o.ExecutionStrategy(d => new NonRetryingExecutionStrategy(d)))` " +
                "for the context the handler uses.");
        }

        var connection = database.GetDbConnection();
        if (!ReferenceEquals(connection, delivery.Connection) && connection.State != System.Data.ConnectionState.Closed)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name}'s connection is already open; enlist it in the delivery (`await delivery.EnlistAsync(db)`) before its first query.");
        }

        database.SetDbConnection(delivery.Connection, contextOwnsConnection: false);
        await database.UseTransactionAsync(delivery.Transaction, cancellationToken).ConfigureAwait(false);
        return context;
    }
}
