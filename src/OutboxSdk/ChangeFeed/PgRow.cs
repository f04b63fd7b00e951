namespace OutboxSdk.ChangeFeed;

/// <summary>
/// One pgoutput tuple (new or old row) as the relay received it: per column its kind and, for text and binary
/// columns, its bytes. The relay copies the bytes out of the replication buffer before building a row, because
/// Npgsql reuses that buffer on the next read.
/// </summary>
public sealed class PgRow
{
    private const int MaxShownValueBytes = 64;
    private readonly PgColumnKind[] _kinds;
    private readonly ReadOnlyMemory<byte>[] _values;

    /// <summary>Creates a row of <paramref name="relation"/>.</summary>
    /// <param name="relation">The table, shared by every row of it.</param>
    /// <param name="kinds">Each column's kind, in column order.</param>
    /// <param name="values">Each column's bytes (empty for NULL and unchanged TOAST), in column order.</param>
    public PgRow(PgRelation relation, PgColumnKind[] kinds, ReadOnlyMemory<byte>[] values)
    {
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(values);
        if (kinds.Length != values.Length || kinds.Length != relation.Columns.Count)
        {
            throw new ArgumentException($"the row has {kinds.Length} kinds and {values.Length} values, but {relation.DisplayName} has {relation.Columns.Count} columns");
        }

        Relation = relation;
        _kinds = kinds;
        _values = values;
    }

    /// <summary>The table the row belongs to.</summary>
    public PgRelation Relation { get; }

    /// <summary>The number of columns.</summary>
    public int Count => _kinds.Length;

    /// <summary>The position of <paramref name="column"/>, or -1 when the row has no such column.</summary>
    public int IndexOf(string column) => Relation.IndexOf(column);

    /// <summary>What the column at <paramref name="index"/> carries.</summary>
    public PgColumnKind KindAt(int index) => _kinds[index];

    /// <summary>The bytes of the column at <paramref name="index"/>: text or binary format; empty for NULL and unchanged TOAST.</summary>
    public ReadOnlySpan<byte> ValueAt(int index) => _values[index].Span;

    /// <summary>The position of <paramref name="column"/>; throws a <see cref="PgRowException"/> when the row has no such column.</summary>
    public int RequireColumn(string column)
    {
        var index = IndexOf(column);
        return index >= 0
            ? index
            : throw new PgRowException(Relation.DisplayName, column,
                $"table {Relation.DisplayName} has no column \"{column}\" (it has: {string.Join(", ", Relation.Columns)}); the table and the entity's generated DDL differ");
    }

    /// <summary>
    /// Parses the text or binary value at <paramref name="index"/>; a value that does not convert becomes a
    /// <see cref="PgRowException"/> naming the table, the column and the value.
    /// </summary>
    public T Parse<T>(int index, PgValueParser<T> parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var kind = _kinds[index];
        if (kind is not (PgColumnKind.Text or PgColumnKind.Binary))
        {
            throw new PgRowException(Relation.DisplayName, Relation.Columns[index],
                $"column \"{Relation.Columns[index]}\" of {Relation.DisplayName} is {Describe(kind)}, which has no value to parse");
        }

        try
        {
            return parser(kind, _values[index].Span);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new PgRowException(Relation.DisplayName, Relation.Columns[index],
                $"column \"{Relation.Columns[index]}\" of {Relation.DisplayName} has the {(kind == PgColumnKind.Text ? "text" : "binary")} value {Show(index)}, which does not convert to {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>The error for a NULL in a column whose member is not nullable.</summary>
    public PgRowException NullNotAllowed(int index) => new(Relation.DisplayName, Relation.Columns[index],
        $"column \"{Relation.Columns[index]}\" of {Relation.DisplayName} is NULL, but the entity's member is not nullable");

    /// <summary>The error for an unchanged-TOAST column that <paramref name="policy"/> cannot resolve.</summary>
    public PgRowException UnchangedToast(int index, ToastPolicy policy) => new(Relation.DisplayName, Relation.Columns[index],
        policy == ToastPolicy.UsePrevious
            ? $"column \"{Relation.Columns[index]}\" of {Relation.DisplayName} is an unchanged TOAST value and no previous entity was given to take it from"
            : $"column \"{Relation.Columns[index]}\" of {Relation.DisplayName} is an unchanged TOAST value (not sent by the server); pass ToastPolicy.UsePrevious with the previous entity, or set REPLICA IDENTITY FULL");

    private string Show(int index)
    {
        var bytes = _values[index].Span;
        var shown = bytes.Length > MaxShownValueBytes ? bytes[..MaxShownValueBytes] : bytes;
        var more = bytes.Length > MaxShownValueBytes ? $"… ({bytes.Length} bytes)" : "";
        return _kinds[index] == PgColumnKind.Text
            ? "'" + Encoding.UTF8.GetString(shown) + "'" + more
            : "0x" + Convert.ToHexString(shown) + more;
    }

    private static string Describe(PgColumnKind kind) => kind == PgColumnKind.Null ? "NULL" : "an unchanged TOAST value";
}
