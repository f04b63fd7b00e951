namespace OutboxSdk.ChangeFeed;

/// <summary>
/// A table as a pgoutput Relation message describes it: its schema, name and column names in column order.
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
