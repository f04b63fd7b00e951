namespace OutboxSdk;

/// <summary>
/// What to do with an unchanged-TOAST column: a large value the server did not resend because an UPDATE left it
/// unchanged. The change feed's policy (<see cref="ChangeFeedOptions.UnchangedToast"/>) and the argument of a
/// generated <c>FromRow</c>. There is deliberately no policy that fills in a default value.
/// </summary>
public enum ToastPolicy
{
    /// <summary>Throw a <see cref="ChangeFeed.PgRowException"/> naming the column (the default).</summary>
    Throw,

    /// <summary>Take the member's value from the previous entity (the change's before image); throw when there is none.</summary>
    UsePrevious,
}
