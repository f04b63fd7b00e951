using MediatR;

namespace OutboxSdk.ChangeFeed;

/// <summary>Builds the typed events of one entity from rows; created per entity by its generated registration.</summary>
internal abstract class EntityChangeBuilder
{
    public abstract Type EntityType { get; }

    public abstract ChangeFeedTable Table { get; }

    /// <summary>A <see cref="Change{T}"/>; a row that does not convert throws <see cref="PgRowException"/>.</summary>
    public abstract INotification Build(ChangeOperation operation, PgRow? oldRow, bool oldIsKeyOnly, PgRow? newRow, ChangeSource source, ToastPolicy toast);

    /// <summary>A <see cref="Truncated{T}"/>.</summary>
    public abstract INotification BuildTruncate(ChangeSource source, bool cascade, bool restartIdentity);
}

internal sealed class EntityChangeBuilder<T> : EntityChangeBuilder
{
    private readonly ChangeFeedRowDecoder<T> _fromRow;
    private readonly Func<PgRow, object[]> _keyFromRow;
    private readonly string[] _keyMembers;
    private readonly string[] _keyColumns;

    public EntityChangeBuilder(ChangeFeedTable table, ChangeFeedRowDecoder<T> fromRow, Func<PgRow, object[]> keyFromRow)
    {
        Table = table;
        _fromRow = fromRow;
        _keyFromRow = keyFromRow;
        _keyMembers = [.. table.Key.Select(c => c.Member)];
        _keyColumns = [.. table.Key.Select(c => c.Name)];
    }

    public override Type EntityType => typeof(T);

    public override ChangeFeedTable Table { get; }

    public override INotification Build(ChangeOperation operation, PgRow? oldRow, bool oldIsKeyOnly, PgRow? newRow, ChangeSource source, ToastPolicy toast)
    {
        switch (operation)
        {
            case ChangeOperation.Read or ChangeOperation.Insert:
                var inserted = Require(newRow, operation, "new");
                return new Change<T>(operation, default, BeforeImage.None, Key(inserted), _fromRow(inserted, ToastPolicy.Throw, default), source);
            case ChangeOperation.Update:
                var updated = Require(newRow, operation, "new");
                var (before, image) = Before(oldRow, oldIsKeyOnly);
                var after = After(updated, before, toast);
                return new Change<T>(operation, before, image, Key(oldRow ?? updated), after, source);
            case ChangeOperation.Delete:
                var deleted = Require(oldRow, operation, "old");
                var (old, oldImage) = Before(deleted, oldIsKeyOnly);
                return new Change<T>(operation, old, oldImage, Key(deleted), default, source);
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a row operation");
        }
    }

    public override INotification BuildTruncate(ChangeSource source, bool cascade, bool restartIdentity) => new Truncated<T>(source, cascade, restartIdentity);

    private (T? Before, BeforeImage Image) Before(PgRow? oldRow, bool keyOnly) =>
        oldRow is null ? (default, BeforeImage.None)
        : keyOnly ? (default, BeforeImage.Key)
        : (_fromRow(oldRow, ToastPolicy.Throw, default), BeforeImage.Full);

    private T After(PgRow row, T? before, ToastPolicy toast)
    {
        var fromBefore = toast == ToastPolicy.UsePrevious && before is not null;
        try
        {
            return _fromRow(row, fromBefore ? ToastPolicy.UsePrevious : ToastPolicy.Throw, before);
        }
        catch (PgRowException e) when (row.IndexOf(e.Column) is var i && i >= 0 && row.KindAt(i) == PgColumnKind.UnchangedToast)
        {
            // The decoder's own message speaks of its parameters; say what the feed's policy and the table allow.
            throw new PgRowException(e.Table, e.Column, toast == ToastPolicy.Throw
                ? $"column \"{e.Column}\" of {e.Table} is an unchanged TOAST value (the UPDATE did not change it and the server did not resend it), and the change feed's UnchangedToast policy is Throw; set it to UsePrevious with REPLICA IDENTITY FULL to deliver such updates"
                : $"column \"{e.Column}\" of {e.Table} is an unchanged TOAST value (the UPDATE did not change it and the server did not resend it), and the change has no whole before image to take it from; run ALTER TABLE {e.Table} REPLICA IDENTITY FULL (and declare ReplicaIdentity = Full on {typeof(T).Name}) so it does",
                e);
        }
    }

    private ChangeKey Key(PgRow row) => new(_keyMembers, _keyColumns, _keyFromRow(row));

    private static PgRow Require(PgRow? row, ChangeOperation operation, string which) =>
        row ?? throw new ArgumentException($"a {operation} needs the {which} row", which == "new" ? "newRow" : "oldRow");
}
