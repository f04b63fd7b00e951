using System.Runtime.CompilerServices;
using MediatR;
using OutboxSdk.Registration;

namespace OutboxSdk.ChangeFeed;

/// <summary>
/// Turns what the replication engine reads (Relation messages, row tuples, truncates, the snapshot) into the
/// typed events of the registered <c>[ChangeFeed]</c> entities. It holds no connection and acknowledges nothing:
/// the engine decides what to publish, dead-letter or stop on. Not thread-safe; one per replication stream.
/// </summary>
internal sealed class ChangeFeedRouter
{
    private readonly Dictionary<(string Schema, string Table), EntityChangeBuilder> _byTable = [];
    private readonly Dictionary<uint, Routed> _byRelation = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly ChangeFeedOptions _options;
    private readonly ILogger _logger;

    /// <summary>Routes <paramref name="entities"/>; unqualified tables are taken to live in <paramref name="defaultSchema"/>.</summary>
    /// <exception cref="InvalidOperationException">An entity was registered without its row decoders.</exception>
    public ChangeFeedRouter(IEnumerable<ChangeFeedEntityType> entities, string defaultSchema, ChangeFeedOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentException.ThrowIfNullOrEmpty(defaultSchema);
        _options = options ?? new ChangeFeedOptions();
        _logger = logger ?? NullLogger.Instance;
        foreach (var entity in entities)
        {
            var builder = entity.Builder ?? throw new InvalidOperationException(
                $"{entity.ClrType} is registered without its row decoders (ChangeFeedEntityType.Create<T>(table, replicaIdentity)), so the change feed cannot build it; register it through the generated Add…OutboxTypes() of a project that references OutboxSdk.");
            var name = (builder.Table.Schema ?? defaultSchema, builder.Table.Name);
            if (!_byTable.TryAdd(name, builder) && _byTable[name].EntityType != builder.EntityType)
            {
                throw new InvalidOperationException($"table {name.Item1}.{name.Item2} is mapped by both {_byTable[name].EntityType} and {builder.EntityType}: map each table once.");
            }
        }

        Tables = [.. _byTable.Keys.OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Table, StringComparer.Ordinal)];
    }

    /// <summary>The entity type that maps <paramref name="table"/>, or null.</summary>
    public Type? EntityOf((string Schema, string Table) table) => _byTable.TryGetValue(table, out var builder) ? builder.EntityType : null;

    /// <summary>Every mapped table, schema-qualified, in the order the snapshot reads them: for the publication.</summary>
    public IReadOnlyList<(string Schema, string Table)> Tables { get; }

    /// <summary>
    /// A router whose unqualified tables resolve to <paramref name="connection"/>'s <c>current_schema()</c> (the
    /// first existing schema of its search_path), looked up once: the engine opens that connection from the
    /// application's data source, whose search_path the generated CREATE TABLE used.
    /// </summary>
    public static async Task<ChangeFeedRouter> CreateAsync(IEnumerable<ChangeFeedEntityType> entities, NpgsqlConnection connection,
        ChangeFeedOptions? options, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = new NpgsqlCommand("SELECT current_schema()", connection);
        await using var _ = command.ConfigureAwait(false);
        var schema = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
            ?? throw new InvalidOperationException("the connection's search_path names no existing schema (current_schema() is NULL), so unqualified [ChangeFeed] tables have no schema; set Search Path in the connection string or qualify the tables as \"schema.table\".");
        return new ChangeFeedRouter(entities, schema, options, logger);
    }

    /// <summary>
    /// Takes a Relation message: maps its id to the entity of its table and compares the two. Added columns are
    /// compatible (ignored, logged once); a mapped column dropped or retyped, or a replica identity that
    /// cannot name deleted rows, is incompatible — the engine must stop without acknowledging past it.
    /// </summary>
    public RelationCheck OnRelation(PgRelation relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        if (!_byTable.TryGetValue((relation.Schema, relation.Table), out var builder))
        {
            _byRelation.Remove(relation.Id);
            return RelationCheck.NotMapped;
        }

        var check = RelationComparer.Compare(builder.Table, builder.EntityType, relation);
        _byRelation[relation.Id] = new Routed(builder, check, relation);
        var entity = builder.EntityType.Name;
        if (!check.IsCompatible)
        {
            ChangeFeedLog.RelationIncompatible(_logger, relation.DisplayName, entity, check.Error!);
        }

        if (check.IgnoredColumns.Count > 0 && _reported.Add(relation.DisplayName + ":" + string.Join(",", check.IgnoredColumns)))
        {
            ChangeFeedLog.ColumnsIgnored(_logger, relation.DisplayName, entity, string.Join(", ", check.IgnoredColumns));
        }

        foreach (var warning in check.Warnings.Where(_reported.Add))
        {
            ChangeFeedLog.RelationWarning(_logger, warning);
        }

        return check;
    }

    /// <summary>
    /// The <see cref="Change{T}"/> for a row change of relation <paramref name="relationId"/>, or null when no
    /// entity maps it. A row that does not convert throws <see cref="PgRowException"/> (the engine dead-letters
    /// the change and goes on).
    /// </summary>
    /// <param name="operation">Insert, Update or Delete (Read for rows the engine reads itself).</param>
    /// <param name="relationId">The relation id of the tuple message.</param>
    /// <param name="oldRow">The old tuple ('K' or 'O'), or null when the message has none.</param>
    /// <param name="oldIsKeyOnly">True for a key-only old tuple ('K': REPLICA IDENTITY DEFAULT or USING INDEX).</param>
    /// <param name="newRow">The new tuple, or null for deletes.</param>
    /// <param name="source">Transaction and position; schema and table are taken from the relation (they may be left empty).</param>
    /// <exception cref="InvalidOperationException">The relation was reported incompatible by <see cref="OnRelation"/>.</exception>
    public INotification? Build(ChangeOperation operation, uint relationId, PgRow? oldRow, bool oldIsKeyOnly, PgRow? newRow, ChangeSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Route(relationId) is not { } routed)
        {
            return null;
        }

        return routed.Builder.Build(operation, oldRow, oldIsKeyOnly, newRow, routed.Locate(source), _options.UnchangedToast);
    }

    /// <summary>The <see cref="Truncated{T}"/> for one truncated relation, or null when no entity maps it.</summary>
    /// <exception cref="InvalidOperationException">The relation was reported incompatible by <see cref="OnRelation"/>.</exception>
    public INotification? BuildTruncate(uint relationId, ChangeSource source, bool cascade, bool restartIdentity)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Route(relationId) is { } routed ? routed.Builder.BuildTruncate(routed.Locate(source), cascade, restartIdentity) : null;
    }

    /// <summary>
    /// Reads every mapped table in the caller's transaction (REPEATABLE READ with <c>SET TRANSACTION SNAPSHOT</c>
    /// of the slot's exported snapshot) and yields a <see cref="ChangeOperation.Read"/> change per row: tables in
    /// <see cref="Tables"/> order, rows in key order, streamed. Columns are read as text, as pgoutput sends them
    /// by default, so the same generated decoder applies. A row that does not convert is yielded as a
    /// <see cref="ChangeFeedFailure"/> (to dead-letter) and the snapshot goes on. Do not use the connection for
    /// anything else until the enumeration ends.
    /// </summary>
    public async IAsyncEnumerable<INotification> ReadSnapshotAsync(NpgsqlConnection connection, ChangeSource template,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(template);
        var ordinal = 0L;
        foreach (var table in Tables)
        {
            var builder = _byTable[table];
            var reader = new SnapshotTableReader(connection, table.Schema, table.Table, builder.Table);
            var rows = 0L;
            await foreach (var row in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var source = template with { Schema = table.Schema, Table = table.Table, Ordinal = ordinal++, Snapshot = true };
                INotification change;
                try
                {
                    change = builder.Build(ChangeOperation.Read, null, false, row, source, _options.UnchangedToast);
                }
                catch (PgRowException e)
                {
                    change = new ChangeFeedFailure(source, builder.EntityType, e);
                }

                rows++;
                yield return change;
            }

            ChangeFeedLog.SnapshotTableRead(_logger, table.Schema + "." + table.Table, rows);
        }
    }

    private Routed? Route(uint relationId)
    {
        if (!_byRelation.TryGetValue(relationId, out var routed))
        {
            return null;
        }

        return routed.Check.IsCompatible ? routed : throw new InvalidOperationException(
            $"relation {relationId} ({routed.Builder.Table.Name}) is incompatible with {routed.Builder.EntityType.Name} and its changes cannot be built: {routed.Check.Error}");
    }

    private sealed record Routed(EntityChangeBuilder Builder, RelationCheck Check, PgRelation Relation)
    {
        public ChangeSource Locate(ChangeSource source) => source with { Schema = Relation.Schema, Table = Relation.Table };
    }
}

/// <summary>A snapshot row that could not be turned into its entity: the engine dead-letters it instead of publishing it.</summary>
/// <param name="Source">Where the row comes from.</param>
/// <param name="EntityType">The entity the row should have become.</param>
/// <param name="Error">Why not, naming table and column.</param>
internal sealed record ChangeFeedFailure(ChangeSource Source, Type EntityType, PgRowException Error) : INotification;
