namespace OutboxSdk.ChangeFeed;

/// <summary>
/// What a pgoutput TupleData column carries (see PostgreSQL docs, "Logical Replication Message Formats",
/// TupleData: 'n', 'u', 't', 'b').
/// </summary>
public enum PgColumnKind : byte
{
    /// <summary>SQL NULL ('n').</summary>
    Null,

    /// <summary>An unchanged TOASTed value that the server did not send ('u'); its value is unknown to the row.</summary>
    UnchangedToast,

    /// <summary>The value in the type's text output format ('t').</summary>
    Text,

    /// <summary>The value in the type's binary send format ('b').</summary>
    Binary,
}
