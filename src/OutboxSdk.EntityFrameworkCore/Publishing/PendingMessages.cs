using System.Runtime.CompilerServices;

namespace OutboxSdk.EntityFrameworkCore.Publishing;

/// <summary>
/// The messages published on a <see cref="DbContext"/> that has no transaction yet: each a write waiting for the
/// transaction of the next <c>SaveChanges</c> (<see cref="OutboxSaveChangesInterceptor"/>). Kept beside the context,
/// not in it, so any context works; gone with the context. A pooled context (<c>AddDbContextPool</c>) is the same object
/// on its next lease, so the messages belong to one lease (<see cref="DbContext.ContextId"/>) and are discarded with it,
/// as its tracked entities are.
/// </summary>
internal sealed class PendingMessages
{
    private static readonly ConditionalWeakTable<DbContext, PendingMessages> ByContext = new();
    private readonly List<Func<NpgsqlTransaction, CancellationToken, Task>> _writes = [];

    private DbContextId _lease;

    public static PendingMessages Of(DbContext context) => ForLease(ByContext.GetValue(context, static _ => new PendingMessages()), context);

    public static bool TryGet(DbContext context, out PendingMessages pending)
    {
        if (!ByContext.TryGetValue(context, out var found))
        {
            pending = null!;
            return false;
        }

        pending = ForLease(found, context);
        return true;
    }

    private static PendingMessages ForLease(PendingMessages pending, DbContext context)
    {
        if (pending._lease != context.ContextId)
        {
            pending._writes.Clear();
            pending.RestoreBehavior = null;
            pending._lease = context.ContextId;
        }

        return pending;
    }

    public bool IsEmpty => _writes.Count == 0;

    /// <summary>The auto-transaction behaviour to restore once the save is over (set while a save waits for its transaction).</summary>
    public AutoTransactionBehavior? RestoreBehavior { get; set; }

    public void Add(Func<NpgsqlTransaction, CancellationToken, Task> write) => _writes.Add(write);

    /// <summary>Writes every pending message in <paramref name="transaction"/>; they stay pending until the save succeeds.</summary>
    public async Task WriteAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var write in _writes)
        {
            await write(transaction, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Clear() => _writes.Clear();
}
