namespace OutboxSdk;

/// <summary>
/// Which dead letters a bulk list, replay or discard applies to: every criterion set must hold (subject and handler
/// exactly, failure time in [<see cref="FailedFrom"/>, <see cref="FailedUntil"/>), error text containing
/// <see cref="ErrorContains"/>). Replay and discard refuse a filter without criteria, which would match everything:
/// say <see cref="All"/> to mean that.
/// </summary>
public sealed record DeadLetterFilter
{
    /// <summary>Every dead letter.</summary>
    public static DeadLetterFilter All { get; } = new() { Everything = true };

    /// <summary>The message subject, exactly.</summary>
    public string? Subject { get; init; }

    /// <summary>The handler that failed last, exactly as <see cref="DeadLetter.Handler"/> shows it.</summary>
    public string? Handler { get; init; }

    /// <summary>Dead-lettered at or after this time.</summary>
    public DateTimeOffset? FailedFrom { get; init; }

    /// <summary>Dead-lettered before this time.</summary>
    public DateTimeOffset? FailedUntil { get; init; }

    /// <summary>Text the error contains (case-sensitive), such as an exception type or a message fragment.</summary>
    public string? ErrorContains { get; init; }

    /// <summary>Whether this is <see cref="All"/>: set on purpose, so a filter left empty by mistake matches nothing in bulk.</summary>
    public bool Everything { get; private init; }

    /// <summary>Whether no criterion is set (and it is not <see cref="All"/>).</summary>
    public bool IsEmpty => !Everything && string.IsNullOrEmpty(Subject) && string.IsNullOrEmpty(Handler) && FailedFrom is null && FailedUntil is null && string.IsNullOrEmpty(ErrorContains);
}
