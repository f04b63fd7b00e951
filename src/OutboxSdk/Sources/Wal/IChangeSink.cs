using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The seam between the replication engine and the change feed (ChangeFeed/ChangeFeedRouter, built from the
/// registered [ChangeFeed] entities): which tables to publish, whether a relation still matches its entity, and the
/// notification a row change becomes. The engine dispatches what comes back like an outbox message.
/// </summary>
internal interface IChangeSink
{
    /// <summary>Prepares the sink once, where the engine starts (before <see cref="Tables"/> is read): the change feed needs a connection to resolve its tables.</summary>
    Task InitializeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The tables to add to the publication.</summary>
    IReadOnlyList<(string Schema, string Table)> Tables { get; }

    /// <summary>Null when the relation is not a change-feed table or still matches its entity; else why it no longer does.</summary>
    string? CheckRelation(PgRelation relation, char replicaIdentity);

    /// <summary>Whether <paramref name="relation"/> is a change-feed table.</summary>
    bool Handles(PgRelation relation);

    /// <summary>The notification for a row change, or null when nobody listens; throws <see cref="PgRowException"/> for a row that does not convert.</summary>
    object? Build(RowChanged change, ChangePosition source);

    /// <summary>The notification for a truncate of <paramref name="relation"/>, or null.</summary>
    object? BuildTruncate(PgRelation relation, ChangePosition source, bool cascade, bool restartIdentity);

    /// <summary>The existing rows of every change-feed table as <c>read</c> notifications, inside the snapshot's transaction.</summary>
    IAsyncEnumerable<object> ReadSnapshotAsync(NpgsqlConnection connection, ChangePosition template, CancellationToken cancellationToken);
}

/// <summary>Where a change came from: the transaction's commit LSN, the change's ordinal in it, the xid and the commit time.</summary>
internal readonly record struct ChangePosition(ulong CommitLsn, int Ordinal, uint Xid, DateTime CommitTime);

/// <summary>The sink when no [ChangeFeed] entity is registered: no tables, nothing to build.</summary>
internal sealed class NoChangeSink : IChangeSink
{
    public static NoChangeSink Instance { get; } = new();

    public IReadOnlyList<(string Schema, string Table)> Tables => [];

    public string? CheckRelation(PgRelation relation, char replicaIdentity) => null;

    public bool Handles(PgRelation relation) => false;

    public object? Build(RowChanged change, ChangePosition source) => null;

    public object? BuildTruncate(PgRelation relation, ChangePosition source, bool cascade, bool restartIdentity) => null;

    public async IAsyncEnumerable<object> ReadSnapshotAsync(NpgsqlConnection connection, ChangePosition template, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
