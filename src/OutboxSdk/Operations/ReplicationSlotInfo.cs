using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// One replication slot as <c>pg_replication_slots</c> shows it, with the lag and retained WAL computed against
/// <c>pg_current_wal_lsn()</c>: what <c>outbox status</c> and <c>outbox slots list</c> print.
/// </summary>
/// <param name="Name">The slot's name.</param>
/// <param name="Plugin">The output plugin (<c>pgoutput</c>); null for a physical slot or a slot that is missing.</param>
/// <param name="Active">Whether a connection streams from it now.</param>
/// <param name="ActivePid">The streaming backend's process id, when active.</param>
/// <param name="ConfirmedFlushLsn">The position the consumer confirmed (logical slots).</param>
/// <param name="LagBytes"><c>pg_current_wal_lsn() − confirmed_flush_lsn</c>: WAL written that the consumer has not confirmed.</param>
/// <param name="RetainedWalBytes"><c>pg_current_wal_lsn() − restart_lsn</c>: WAL the server keeps for this slot.</param>
/// <param name="WalStatus">
/// <c>reserved</c>, <c>extended</c>, <c>unreserved</c> or <c>lost</c> (the slot was invalidated: its WAL is gone),
/// or <c>missing</c> for an outbox slot that has a position row but no longer exists.
/// </param>
/// <param name="SafeWalSize">Bytes of WAL that can still be written before the slot is invalidated; null without <c>max_slot_wal_keep_size</c>.</param>
public sealed record ReplicationSlotInfo(
    string Name,
    string? Plugin,
    bool Active,
    int? ActivePid,
    string? ConfirmedFlushLsn,
    long? LagBytes,
    long? RetainedWalBytes,
    string WalStatus,
    long? SafeWalSize)
{
    /// <summary>The <see cref="WalStatus"/> of an outbox slot that has a position row but is not in <c>pg_replication_slots</c>.</summary>
    public const string Missing = "missing";

    /// <summary>The <see cref="WalStatus"/> of a slot Postgres invalidated (it needed WAL beyond <c>max_slot_wal_keep_size</c>).</summary>
    public const string Lost = "lost";

    /// <summary>Whether the slot can no longer deliver: invalidated or gone.</summary>
    public bool IsLostOrMissing => WalStatus is Lost or Missing;
}
