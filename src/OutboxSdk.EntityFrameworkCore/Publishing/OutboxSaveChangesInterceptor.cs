using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OutboxSdk.EntityFrameworkCore.Publishing;

/// <summary>
/// Writes the messages published on a context without a transaction (<see cref="PendingMessages"/>) inside the
/// transaction of the next <c>SaveChanges</c>, so they commit with its entities or not at all. EF Core begins that
/// transaction itself (forced with <see cref="AutoTransactionBehavior.Always"/> while messages wait: a single-statement
/// save would otherwise run without one) and the messages are written when it starts — again on each attempt when the
/// execution strategy retries the save, since the failed attempt's transaction rolled them back.
/// </summary>
internal sealed class OutboxSaveChangesInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public static readonly OutboxSaveChangesInterceptor Instance = new();

    private OutboxSaveChangesInterceptor()
    {
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        SavingAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await SavingAsync(eventData.Context, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        StartedAsync(eventData.Context, result, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        await StartedAsync(eventData.Context, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Finish(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Finish(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // A failed save discards its messages as the unit of work that failed: a retried unit publishes them again.
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Finish(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Finish(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Finish(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Finish(eventData.Context);
        return Task.CompletedTask;
    }

    private static async Task SavingAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || !PendingMessages.TryGet(context, out var pending) || pending.IsEmpty)
        {
            return;
        }

        var database = context.Database;
        if (database.CurrentTransaction is { } current)
        {
            // Published before the caller began its transaction: they join it now.
            await pending.WriteAsync(EfTransactions.Npgsql(current), cancellationToken).ConfigureAwait(false);
            pending.Clear();
            return;
        }

        if (database.AutoTransactionBehavior == AutoTransactionBehavior.Never)
        {
            pending.Clear();
            throw new InvalidOperationException(
                $"{context.GetType().Name}.Database.AutoTransactionBehavior is Never, so SaveChanges has no transaction to write the published messages in. " +
                "Begin one around the unit (`await using var tx = await db.Database.BeginTransactionAsync();` … `await tx.CommitAsync();`) or leave AutoTransactionBehavior at WhenNeeded.");
        }

        if (!context.ChangeTracker.HasChanges())
        {
            // Only messages: EF Core would return without a transaction, so the messages get one of their own.
            var strategy = database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await pending.WriteAsync(EfTransactions.Npgsql(transaction), ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
            pending.Clear();
            return;
        }

        pending.RestoreBehavior = database.AutoTransactionBehavior;
        database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    private static async Task StartedAsync(DbContext? context, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (context is not null && PendingMessages.TryGet(context, out var pending) && pending.RestoreBehavior is not null && !pending.IsEmpty)
        {
            await pending.WriteAsync((NpgsqlTransaction)transaction, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Finish(DbContext? context)
    {
        if (context is null || !PendingMessages.TryGet(context, out var pending))
        {
            return;
        }

        if (pending.RestoreBehavior is { } behavior)
        {
            context.Database.AutoTransactionBehavior = behavior;
            pending.RestoreBehavior = null;
        }

        pending.Clear();
    }
}
