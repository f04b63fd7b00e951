using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The pgoutput messages the relay acts on, copied out of Npgsql's recycled message objects and read buffer: an
/// event stays valid after the next read, so it can be buffered (streamed transactions) or handled at leisure.
/// <see cref="WalEnd"/> is the WAL position the server gave the message.
/// </summary>
internal abstract record ReplicationEvent(ulong WalEnd);

internal sealed record TransactionBegun(ulong WalEnd, uint Xid, ulong CommitLsn, DateTime CommitTime) : ReplicationEvent(WalEnd);

internal sealed record TransactionCommitted(ulong WalEnd, ulong CommitLsn, ulong EndLsn, DateTime CommitTime) : ReplicationEvent(WalEnd);

/// <summary>A Relation message; <paramref name="ReplicaIdentity"/> is pgoutput's byte ('d', 'n', 'f' or 'i').</summary>
internal sealed record RelationSeen(ulong WalEnd, uint? Xid, PgRelation Relation, char ReplicaIdentity) : ReplicationEvent(WalEnd);

/// <summary>An insert, update or delete; <paramref name="Xid"/> is the (sub)transaction's in a streamed transaction.</summary>
internal sealed record RowChanged(ulong WalEnd, uint? Xid, RowOperation Operation, PgRelation Relation, PgRow? OldRow, bool OldIsKeyOnly, PgRow? NewRow)
    : ReplicationEvent(WalEnd);

internal sealed record TablesTruncated(ulong WalEnd, uint? Xid, IReadOnlyList<PgRelation> Relations, bool Cascade, bool RestartIdentity) : ReplicationEvent(WalEnd);

/// <summary>A logical decoding message (<c>pg_logical_emit_message</c>); <paramref name="Content"/> is a copy.</summary>
internal sealed record DecodingMessage(ulong WalEnd, uint? Xid, bool Transactional, ulong MessageLsn, string Prefix, byte[] Content) : ReplicationEvent(WalEnd);

internal sealed record StreamStarted(ulong WalEnd, uint Xid, bool FirstSegment) : ReplicationEvent(WalEnd);

internal sealed record StreamStopped(ulong WalEnd) : ReplicationEvent(WalEnd);

internal sealed record StreamCommitted(ulong WalEnd, uint Xid, ulong CommitLsn, ulong EndLsn, DateTime CommitTime) : ReplicationEvent(WalEnd);

internal sealed record StreamAborted(ulong WalEnd, uint Xid, uint SubXid) : ReplicationEvent(WalEnd);

/// <summary>What a row change did.</summary>
internal enum RowOperation : byte
{
    Insert = 1,
    Update = 2,
    Delete = 3,
}
