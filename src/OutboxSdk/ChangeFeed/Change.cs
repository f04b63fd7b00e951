using MediatR;

namespace OutboxSdk;

/// <summary>
/// A row of a <c>[ChangeFeed]</c> entity's table was read by the snapshot, inserted, updated or deleted. Handle
/// it with <c>INotificationHandler&lt;Change&lt;T&gt;&gt;</c>; see docs/change-feed.md.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class Change<T> : INotification
{
    /// <summary>Creates a change; the change feed builds them, tests and forwarders may too.</summary>
    /// <exception cref="ArgumentException">The arguments contradict each other (a delete with an after image, a full before image without <paramref name="before"/>…).</exception>
    public Change(ChangeOperation operation, T? before, BeforeImage beforeImage, ChangeKey key, T? after, ChangeSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(source);
        if ((beforeImage == BeforeImage.Full) != (before is not null))
        {
            throw new ArgumentException($"a {beforeImage} before image must {(beforeImage == BeforeImage.Full ? "come with" : "not come with")} a before entity", nameof(before));
        }

        if ((operation == ChangeOperation.Delete) != (after is null))
        {
            throw new ArgumentException(operation == ChangeOperation.Delete ? "a delete has no after image" : $"a {operation} needs the after image", nameof(after));
        }

        Operation = operation;
        Before = before;
        BeforeImage = beforeImage;
        Key = key;
        After = after;
        Source = source;
    }

    /// <summary>What happened.</summary>
    public ChangeOperation Operation { get; }

    /// <summary>The whole row before the change; only when <see cref="BeforeImage"/> is <see cref="OutboxSdk.BeforeImage.Full"/> (REPLICA IDENTITY FULL).</summary>
    public T? Before { get; }

    /// <summary>What the change carries of the old row: nothing, the key only, or the whole row.</summary>
    public BeforeImage BeforeImage { get; }

    /// <summary>
    /// The primary key of the row the change is about: for updates and deletes the key it had before the change
    /// (an update may change it: compare with <see cref="After"/>), for inserts and reads the new row's key.
    /// </summary>
    public ChangeKey Key { get; }

    /// <summary>The row after the change; null for deletes.</summary>
    public T? After { get; }

    /// <summary>Table, transaction and WAL position.</summary>
    public ChangeSource Source { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Operation} {Source.DisplayName} ({Key}) at {Source.CommitLsn}#{Source.Ordinal}";
}

/// <summary>
/// A TRUNCATE of a <c>[ChangeFeed]</c> entity's table: every row is gone, and no per-row deletes follow. Handle it
/// with <c>INotificationHandler&lt;Truncated&lt;T&gt;&gt;</c>.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class Truncated<T> : INotification
{
    /// <summary>Creates the event.</summary>
    public Truncated(ChangeSource source, bool cascade, bool restartIdentity)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Cascade = cascade;
        RestartIdentity = restartIdentity;
    }

    /// <summary>Table, transaction and WAL position.</summary>
    public ChangeSource Source { get; }

    /// <summary>TRUNCATE … CASCADE: tables referencing this one were truncated too (each has its own event if mapped).</summary>
    public bool Cascade { get; }

    /// <summary>TRUNCATE … RESTART IDENTITY: the table's sequences were reset.</summary>
    public bool RestartIdentity { get; }

    /// <inheritdoc />
    public override string ToString() => $"Truncate {Source.DisplayName} at {Source.CommitLsn}#{Source.Ordinal}";
}
