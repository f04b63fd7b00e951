namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Where an event sits in the stream: its transaction's commit LSN and its ordinal within that transaction. Events
/// arrive in increasing position, so everything at or below the last processed position is a replay (after a
/// restart, or after a Postgres crash moved the slot back to its last checkpointed confirmed_flush_lsn).
/// </summary>
internal readonly record struct ReplicationPosition(ulong CommitLsn, int Ordinal) : IComparable<ReplicationPosition>
{
    /// <summary>Before any event.</summary>
    public static ReplicationPosition Start => new(0, -1);

    public int CompareTo(ReplicationPosition other) =>
        CommitLsn != other.CommitLsn ? CommitLsn.CompareTo(other.CommitLsn) : Ordinal.CompareTo(other.Ordinal);

    public static bool operator <(ReplicationPosition left, ReplicationPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(ReplicationPosition left, ReplicationPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReplicationPosition left, ReplicationPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReplicationPosition left, ReplicationPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{new NpgsqlTypes.NpgsqlLogSequenceNumber(CommitLsn)}#{Ordinal}";
}
