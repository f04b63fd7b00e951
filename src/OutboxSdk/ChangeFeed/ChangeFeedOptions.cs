namespace OutboxSdk;

/// <summary>How the change feed turns rows into typed changes.</summary>
public sealed class ChangeFeedOptions
{
    /// <summary>
    /// What to do with an unchanged TOASTed column of an UPDATE (a large value the server did not resend).
    /// Default <see cref="ToastPolicy.UsePrevious"/>: the value from the change's before image, which REPLICA
    /// IDENTITY FULL provides whole; <see cref="ToastPolicy.Throw"/> fails every such change. Either way the change
    /// either carries the true value or fails with a <see cref="ChangeFeed.PgRowException"/> naming table and column, which
    /// the engine dead-letters; never a default value in the member.
    /// </summary>
    public ToastPolicy UnchangedToast { get; set; } = ToastPolicy.UsePrevious;

    /// <summary>
    /// <c>[ChangeFeed]</c> entities this process leaves out: their tables join no publication, need not exist, and their
    /// changes reach no handler here. Each entry is an entity's full type name (<c>Shop.Orders.Order</c>) or its table as
    /// the attribute names it (<c>shop.orders</c>); a name that matches no registered entity fails the startup. For a
    /// relay that serves part of an assembly's entities, or a database that lacks some of their tables.
    /// </summary>
    public ISet<string> ExcludedEntities { get; } = new HashSet<string>(StringComparer.Ordinal);
}
