using System.Runtime.CompilerServices;

namespace OutboxSdk.EntityFrameworkCore.Publishing;

/// <summary>
/// The messages published on a <see cref="DbContext"/> that has no transaction yet: each a write waiting for the
/// transaction of the next <c>SaveChanges</c> (<see cref="OutboxSaveChangesInterceptor"/>). Kept beside the context,
/// not in it, so any context works; gone with the context.
/// </summary>
internal sealed class PendingMessages
{
    private static readonly ConditionalWeakTable<DbContext, PendingMessages> ByContext = new();
    private readonly List<Func<NpgsqlTransaction, CancellationToken, Task>> _writes = [];

    public static PendingMessages Of(DbContext context) => ByContext.GetValue(context, static _ => new PendingMessages());

    public static bool TryGet(DbContext context, out PendingMessages pending) => ByContext.TryGetValue(context, out pending!);

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
