namespace OutboxSdk.ChangeFeed;

/// <summary>
/// What a generated <c>FromRow</c> does with an unchanged-TOAST column: a large value the server did not resend
/// because an UPDATE left it unchanged. There is deliberately no policy that fills in a default value.
/// </summary>
public enum ToastPolicy
{
    /// <summary>Throw a <see cref="PgRowException"/> naming the column (the default).</summary>
    Throw,

    /// <summary>Take the member's value from the previous entity passed in; throw when none is given.</summary>
    UsePrevious,
}
