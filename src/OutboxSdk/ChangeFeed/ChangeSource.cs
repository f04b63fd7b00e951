namespace OutboxSdk;

/// <summary>
/// Where a change comes from: its table, its transaction and its position in the WAL. (<see cref="CommitLsn"/>,
/// <see cref="Ordinal"/>) orders every change of a slot and is what a consumer compares to skip a change it has
/// already applied.
/// </summary>
public sealed record ChangeSource
{
    /// <summary>The table's schema.</summary>
    public required string Schema { get; init; }

    /// <summary>The table name.</summary>
    public required string Table { get; init; }

    /// <summary>The LSN of the commit of the change's transaction (for snapshot reads: the snapshot's consistent point).</summary>
    public NpgsqlLogSequenceNumber CommitLsn { get; init; }

    /// <summary>The LSN of the change's own WAL record (for snapshot reads: the same as <see cref="CommitLsn"/>).</summary>
    public NpgsqlLogSequenceNumber Lsn { get; init; }

    /// <summary>The change's position within its transaction (or within the snapshot), from 0.</summary>
    public long Ordinal { get; init; }

    /// <summary>The transaction id (xid); 0 for snapshot reads.</summary>
    public uint TransactionId { get; init; }

    /// <summary>When the transaction committed (for snapshot reads: when the snapshot was taken).</summary>
    public DateTimeOffset CommitTime { get; init; }

    /// <summary>True for rows delivered by the initial snapshot (<see cref="ChangeOperation.Read"/>).</summary>
    public bool Snapshot { get; init; }

    /// <summary>The logical replication slot the change was read from.</summary>
    public string SlotName { get; init; } = "";

    /// <summary>The database name.</summary>
    public string Database { get; init; } = "";

    /// <summary>The table as <c>schema.table</c>.</summary>
    public string DisplayName => Schema + "." + Table;
}
