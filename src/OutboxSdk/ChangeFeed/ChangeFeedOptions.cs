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
}
