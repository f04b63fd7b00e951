namespace OutboxSdk.Retention;

/// <summary>What one retention run did.</summary>
/// <param name="LockBusy">Another instance held the retention lock, so this run changed nothing.</param>
/// <param name="Created">Partitions created.</param>
/// <param name="Dropped">Expired partitions dropped.</param>
/// <param name="Kept">Expired partitions kept because they still hold undelivered messages.</param>
/// <param name="RowsMoved">Rows moved out of the default partition into new partitions.</param>
internal sealed record RetentionRun(bool LockBusy, IReadOnlyList<string> Created, IReadOnlyList<string> Dropped, IReadOnlyList<string> Kept, long RowsMoved)
{
    public static RetentionRun Busy { get; } = new(true, [], [], [], 0);

    /// <summary>The role does not own the outbox tables, so this run changed nothing (docs/security.md).</summary>
    public static RetentionRun NotOwner { get; } = new(false, [], [], [], 0);
}
