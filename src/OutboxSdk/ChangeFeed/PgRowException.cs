namespace OutboxSdk.ChangeFeed;

/// <summary>A row could not be turned into an entity: a column is missing, NULL where the member is not nullable, unchanged TOAST, or its value does not convert.</summary>
public sealed class PgRowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PgRowException(string table, string column, string message, Exception? inner = null)
        : base(message, inner)
    {
        Table = table;
        Column = column;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public PgRowException()
        : this("", "", "a row could not be decoded")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public PgRowException(string message)
        : this("", "", message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public PgRowException(string message, Exception innerException)
        : this("", "", message, innerException)
    {
    }

    /// <summary>The table, as <c>schema.table</c>.</summary>
    public string Table { get; }

    /// <summary>The column.</summary>
    public string Column { get; }
}
