namespace OutboxSdk.ChangeFeed;

/// <summary>How the change feed turns rows into typed changes.</summary>
public sealed class ChangeFeedOptions
{
    /// <summary>
    /// What to do with an unchanged TOASTed column of an UPDATE (a large value the server did not resend).
    /// Default <see cref="UnchangedToastHandling.FromBeforeImage"/>; never a default value in the member.
    /// </summary>
    public UnchangedToastHandling UnchangedToast { get; set; } = UnchangedToastHandling.FromBeforeImage;
}

/// <summary>
/// The change feed's policy for unchanged TOAST values (pgoutput's <c>'u'</c> column kind). Both policies
/// either deliver the true value or fail the change with a <see cref="PgRowException"/> naming table and
/// column, which the engine dead-letters; neither fills in a value that was not in the database.
/// </summary>
public enum UnchangedToastHandling
{
    /// <summary>
    /// Take the value from the change's before image, which REPLICA IDENTITY FULL provides whole; without a
    /// before image (REPLICA IDENTITY DEFAULT) the change fails, naming the column and the fix.
    /// </summary>
    FromBeforeImage,

    /// <summary>Always fail the change: for consumers that want to notice every unchanged-TOAST update.</summary>
    Fail,
}
