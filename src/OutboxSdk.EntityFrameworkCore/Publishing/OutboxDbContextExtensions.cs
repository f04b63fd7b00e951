using OutboxSdk.EntityFrameworkCore.Publishing;

namespace OutboxSdk;

/// <summary>Publishing from an EF Core <see cref="DbContext"/> (docs/efcore.md).</summary>
public static class OutboxDbContextExtensions
{
    /// <summary>
    /// Publishes <paramref name="message"/> so that it commits with <paramref name="context"/>'s work. With a transaction
    /// open on the context (<c>Database.BeginTransactionAsync()</c>) it is written in it at once; without one it waits on
    /// the context and the next <c>SaveChanges</c> writes it in its own transaction, which needs the outbox's interceptor
    /// on the context (<c>services.AddOutboxEntityFrameworkCore&lt;TContext&gt;()</c> or <c>options.UseOutbox()</c>).
    /// A context disposed before that <c>SaveChanges</c>, or a <c>SaveChanges</c> that fails, discards the message
    /// with the unit of work.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context is not on Npgsql, or it has neither a transaction nor the interceptor.</exception>
    /// <exception cref="NotSupportedException">Called inside a <c>TransactionScope</c>.</exception>
    public static Task PublishAsync<T>(this IOutbox outbox, T message, DbContext context, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(message);
        return Publish(outbox, context, (o, tx, ct) => o.PublishAsync(message, tx, ct), cancellationToken);
    }

    /// <summary>Publishes <paramref name="messages"/> (one binary COPY) so that they commit with <paramref name="context"/>'s work, as <see cref="PublishAsync{T}(IOutbox, T, DbContext, CancellationToken)"/>.</summary>
    /// <exception cref="InvalidOperationException">The context is not on Npgsql, or it has neither a transaction nor the interceptor.</exception>
    /// <exception cref="NotSupportedException">Called inside a <c>TransactionScope</c>.</exception>
    public static Task PublishBatchAsync<T>(this IOutbox outbox, IReadOnlyCollection<T> messages, DbContext context, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(messages);
        var copy = messages.ToArray(); // what the caller published now, not what the collection holds at SaveChanges
        return Publish(outbox, context, (o, tx, ct) => o.PublishBatchAsync(copy, tx, ct), cancellationToken);
    }

    private static Task Publish(IOutbox outbox, DbContext context, Func<IOutbox, NpgsqlTransaction, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        EfTransactions.RequireNpgsql(context);
        if (System.Transactions.Transaction.Current is not null)
        {
            throw new NotSupportedException(
                "IOutbox cannot publish inside a TransactionScope (System.Transactions): the message would not commit atomically with the scope's work. " +
                "Use the context's own transaction instead: `await using var tx = await db.Database.BeginTransactionAsync();` … `await tx.CommitAsync();`, or SaveChanges' implicit one.");
        }

        if (context.Database.CurrentTransaction is { } transaction)
        {
            return write(outbox, EfTransactions.Npgsql(transaction), cancellationToken);
        }

        if (!EfTransactions.HasOutboxInterceptor(context))
        {
            var name = context.GetType().Name;
            throw new InvalidOperationException(
                $"{name} has no open transaction, and SaveChanges cannot write the message because the outbox's interceptor is not configured on it. Either " +
                $"begin a transaction first (`await using var tx = await db.Database.BeginTransactionAsync();`, publish, `await db.SaveChangesAsync();`, `await tx.CommitAsync();`) or " +
                $"register the interceptor (`services.AddOutboxEntityFrameworkCore<{name}>()`, or `optionsBuilder.UseOutbox()` in OnConfiguring) and call SaveChanges after publishing.");
        }

        PendingMessages.Of(context).Add((tx, ct) => write(outbox, tx, ct));
        return Task.CompletedTask;
    }
}
