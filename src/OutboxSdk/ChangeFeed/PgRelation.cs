namespace OutboxSdk.ChangeFeed;

/// <summary>
/// A table as a pgoutput Relation message describes it: its schema, name, replica identity and columns (name,
/// type OID, type modifier, key flag) in column order.
/// The relay keeps one per relation id and shares it between the rows of that relation, so the column lookup
/// is built once per relation, not per row.
/// </summary>
public sealed class PgRelation
{
    private readonly Dictionary<string, int> _indexes;

    /// <summary>Describes a relation.</summary>
    /// <param name="id">The relation's OID, as the Relation message gives it.</param>
    /// <param name="schema">The schema (namespace) name.</param>
    /// <param name="table">The table name.</param>
    /// <param name="columns">The column names in the order TupleData sends them.</param>
    public PgRelation(uint id, string schema, string table, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Id = id;
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        Table = table ?? throw new ArgumentNullException(nameof(table));
        Columns = [.. columns];
        _indexes = new Dictionary<string, int>(Columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            // A relation cannot have two columns of one name; keep the first if a caller passes duplicates.
            _indexes.TryAdd(Columns[i], i);
        }
    }

    /// <summary>Describes a relation with everything a pgoutput Relation message carries (see PostgreSQL docs, "Logical Replication Message Formats", Relation).</summary>
    /// <param name="id">The relation's OID.</param>
    /// <param name="schema">The schema (namespace) name.</param>
    /// <param name="table">The table name.</param>
    /// <param name="columns">The columns in the order TupleData sends them.</param>
    /// <param name="replicaIdentity">The table's REPLICA IDENTITY setting.</param>
    public PgRelation(uint id, string schema, string table, IReadOnlyList<PgRelationColumn> columns, ReplicaIdentity replicaIdentity)
        : this(id, schema, table, (columns ?? throw new ArgumentNullException(nameof(columns))).Select(c => c.Name).ToArray())
    {
        ColumnDetails = [.. columns];
        ReplicaIdentity = replicaIdentity;
    }

    /// <summary>The columns with their types and key flags; null when the relation was described by column names only.</summary>
    public IReadOnlyList<PgRelationColumn>? ColumnDetails { get; }

    /// <summary>The table's REPLICA IDENTITY; null when the relation was described by column names only.</summary>
    public ReplicaIdentity? ReplicaIdentity { get; }

    /// <summary>The relation's OID.</summary>
    public uint Id { get; }

    /// <summary>The schema name.</summary>
    public string Schema { get; }

    /// <summary>The table name.</summary>
    public string Table { get; }

    /// <summary>The column names in column order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The table as <c>schema.table</c>, for messages.</summary>
    public string DisplayName => Schema.Length == 0 ? Table : Schema + "." + Table;

    /// <summary>The position of <paramref name="column"/> (exact, case-sensitive name), or -1 when the relation has no such column.</summary>
    public int IndexOf(string column) => _indexes.TryGetValue(column, out var index) ? index : -1;
}

/// <summary>One column of a pgoutput Relation message.</summary>
/// <param name="Name">The column name.</param>
/// <param name="TypeOid">The OID of the column's type.</param>
/// <param name="TypeModifier">The type modifier (atttypmod), -1 when the type has none; numeric(p,s) is ((p &lt;&lt; 16) | s) + 4.</param>
/// <param name="IsKey">True when the column is part of the replica identity (the key), pgoutput's flag 1.</param>
public sealed record PgRelationColumn(string Name, uint TypeOid, int TypeModifier, bool IsKey);

/// <summary>pgoutput's replica identity byte ('d', 'n', 'f', 'i') as a <see cref="OutboxSdk.ReplicaIdentity"/>.</summary>
internal static class PgReplicaIdentityCode
{
    public static ReplicaIdentity Parse(char code) => code switch
    {
        'd' => ReplicaIdentity.Default,
        'f' => ReplicaIdentity.Full,
        'n' => ReplicaIdentity.Nothing,
        'i' => ReplicaIdentity.Index,
        _ => throw new FormatException($"unknown replica identity '{code}' in a pgoutput Relation message"),
    };
}
