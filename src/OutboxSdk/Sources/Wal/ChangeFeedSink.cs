using System.Runtime.CompilerServices;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Registration;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The change sink over <see cref="ChangeFeedRouter"/>: what the engine reads becomes the typed changes of the
/// registered <c>[ChangeFeed]</c> entities. The router resolves unqualified tables with the application's
/// search_path, which takes a connection, so it is built once in <see cref="InitializeAsync"/> (called where the
/// engine starts), never in DI construction.
/// </summary>
internal sealed class ChangeFeedSink(IReadOnlyList<ChangeFeedEntityType> entities, OutboxOptions options, ReplicationNaming naming, ILogger logger) : IChangeSink
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChangeFeedRouter? _router;
    private string _database = "";

    public IReadOnlyList<(string Schema, string Table)> Tables => Router.Tables;

    private ChangeFeedRouter Router => _router ?? throw new InvalidOperationException(
        "the change feed is used before the replication engine initialised it (IChangeSink.InitializeAsync).");

    public async Task InitializeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (_router is not null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_router is not null)
            {
                return;
            }

            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var router = await ChangeFeedRouter.CreateAsync(entities, connection, options.ChangeFeed, logger, cancellationToken).ConfigureAwait(false);
                await ChangeFeedTables.RequireAsync(connection, router, cancellationToken).ConfigureAwait(false);
                _database = connection.Database;
                _router = router;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public string? CheckRelation(PgRelation relation, char replicaIdentity)
    {
        var check = Router.OnRelation(relation);
        return check.IsCompatible ? null : check.Error;
    }

    public bool Handles(PgRelation relation)
    {
        foreach (var table in Router.Tables)
        {
            if (table.Schema == relation.Schema && table.Table == relation.Table)
            {
                return true;
            }
        }

        return false;
    }

    public object? Build(RowChanged change, ChangePosition source)
    {
        var operation = change.Operation switch
        {
            RowOperation.Insert => ChangeOperation.Insert,
            RowOperation.Update => ChangeOperation.Update,
            _ => ChangeOperation.Delete,
        };
        return Router.Build(operation, change.Relation.Id, change.OldRow, change.OldIsKeyOnly, change.NewRow, Source(source, change.WalEnd));
    }

    public object? BuildTruncate(PgRelation relation, ChangePosition source, bool cascade, bool restartIdentity) =>
        Router.BuildTruncate(relation.Id, Source(source, source.CommitLsn), cascade, restartIdentity);

    public async IAsyncEnumerable<object> ReadSnapshotAsync(NpgsqlConnection connection, ChangePosition template,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in Router.ReadSnapshotAsync(connection, Source(template, template.CommitLsn), cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }

    private ChangeSource Source(ChangePosition position, ulong lsn) => new()
    {
        Schema = "",
        Table = "",
        CommitLsn = new NpgsqlLogSequenceNumber(position.CommitLsn),
        Lsn = new NpgsqlLogSequenceNumber(lsn == 0 ? position.CommitLsn : lsn),
        Ordinal = position.Ordinal,
        TransactionId = position.Xid,
        CommitTime = new DateTimeOffset(DateTime.SpecifyKind(position.CommitTime, DateTimeKind.Utc)),
        SlotName = naming.Names.Slot,
        Database = _database,
    };
}
