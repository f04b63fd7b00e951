namespace OutboxSdk.ChangeFeed;

/// <summary>
/// A [ChangeFeed] entity's table as the generator derived it (docs/ddl.md): where it lives, its columns and
/// the DDL that creates it. Each entity exposes one as its generated static <c>ChangeFeedDescriptor</c>.
/// </summary>
public sealed class ChangeFeedTable
{
    /// <summary>Describes a table; called by generated code.</summary>
    public ChangeFeedTable(string? schema, string name, ReplicaIdentity replicaIdentity, IReadOnlyList<ChangeFeedColumn> columns, string createTableSql)
    {
        Schema = schema;
        Name = name ?? throw new ArgumentNullException(nameof(name));
        ReplicaIdentity = replicaIdentity;
        Columns = columns ?? throw new ArgumentNullException(nameof(columns));
        CreateTableSql = createTableSql ?? throw new ArgumentNullException(nameof(createTableSql));
    }

    /// <summary>The schema from the attribute's <c>"schema.table"</c>, or null when the table is unqualified (it then lives in the search_path's first schema).</summary>
    public string? Schema { get; }

    /// <summary>The table name, unquoted.</summary>
    public string Name { get; }

    /// <summary>The table's REPLICA IDENTITY.</summary>
    public ReplicaIdentity ReplicaIdentity { get; }

    /// <summary>The columns in table order.</summary>
    public IReadOnlyList<ChangeFeedColumn> Columns { get; }

    /// <summary>The primary key columns in key order (the [Key] members' declaration order).</summary>
    public IEnumerable<ChangeFeedColumn> Key => Columns.Where(c => c.IsKey);

    /// <summary><c>CREATE TABLE IF NOT EXISTS …; ALTER TABLE … REPLICA IDENTITY …;</c> — idempotent.</summary>
    public string CreateTableSql { get; }
}

/// <summary>One column of a <see cref="ChangeFeedTable"/>.</summary>
/// <param name="Name">The column name, unquoted: the member's Avro name in snake_case.</param>
/// <param name="PostgresType">The column type as written in the DDL, e.g. <c>numeric(18,2)</c> or <c>text[]</c>.</param>
/// <param name="IsNullable">False when the column is NOT NULL.</param>
/// <param name="IsKey">True for a primary key column.</param>
/// <param name="Member">The C# member the column maps to.</param>
public sealed record ChangeFeedColumn(string Name, string PostgresType, bool IsNullable, bool IsKey, string Member);
