using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The in-progress transactions pgoutput streams (protocol v2, <c>streaming=on</c>): their changes arrive in blocks
/// (StreamStart … StreamStop, interleaved with other transactions) before anyone knows whether they commit, so they
/// are kept, within the memory budget and then on disk, until StreamCommit replays them or StreamAbort discards
/// them. A subtransaction's abort cuts its transaction's log back to where the subtransaction's first change began:
/// subtransactions nest, so everything after that point belongs to it or its children (the same rule Postgres's
/// own apply worker uses, see src/backend/replication/logical/worker.c, subxact_info_add).
/// </summary>
internal sealed class StreamedTransactions(StreamBufferBudget budget) : IDisposable
{
    private readonly Dictionary<uint, Transaction> _open = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);

    /// <summary>The transaction whose block is being received, if any.</summary>
    public uint? Current { get; private set; }

    public int Count => _open.Count;

    public StreamBufferBudget Budget => budget;

    public void Start(uint xid)
    {
        Current = xid;
        if (!_open.ContainsKey(xid))
        {
            _open[xid] = new Transaction(xid, budget);
        }
    }

    public void Stop() => Current = null;

    /// <summary>Keeps a change, message or truncate of the current block.</summary>
    public void Add(ReplicationEvent e, uint? xid)
    {
        var top = Current ?? throw new InvalidOperationException("a streamed change arrived outside StreamStart/StreamStop");
        var transaction = _open[top];
        var sub = xid ?? top;
        if (sub != top)
        {
            transaction.SubtransactionStarts.TryAdd(sub, transaction.Log.Length);
        }

        _scratch.ResetWrittenCount();
        BufferedEventCodec.Write(_scratch, e, transaction.IndexOf);
        transaction.Log.Append(_scratch.WrittenSpan);
    }

    /// <summary>Discards an aborted transaction, or the part of one that an aborted subtransaction made.</summary>
    public void Abort(uint xid, uint subXid)
    {
        if (!_open.TryGetValue(xid, out var transaction))
        {
            return;
        }

        if (xid == subXid)
        {
            transaction.Dispose();
            _open.Remove(xid);
            return;
        }

        if (transaction.SubtransactionStarts.TryGetValue(subXid, out var start))
        {
            transaction.Log.Truncate(start);
            foreach (var (sub, at) in transaction.SubtransactionStarts.ToList())
            {
                if (at >= start)
                {
                    transaction.SubtransactionStarts.Remove(sub);
                }
            }
        }
    }

    /// <summary>The committed transaction's events in order; its buffer is freed when the enumeration ends.</summary>
    public IEnumerable<ReplicationEvent> Commit(uint xid)
    {
        if (!_open.Remove(xid, out var transaction))
        {
            yield break; // nothing of it was published
        }

        using (transaction)
        {
            foreach (var record in transaction.Log.Records())
            {
                yield return BufferedEventCodec.Read(record.Span, transaction.Relations);
            }
        }
    }

    /// <summary>Whether any transaction spilled to disk now.</summary>
    public bool AnySpilled => _open.Values.Any(static t => t.Log.HasSpilled);

    public void Dispose()
    {
        foreach (var transaction in _open.Values)
        {
            transaction.Dispose();
        }

        _open.Clear();
        Current = null;
    }

    private sealed class Transaction(uint xid, StreamBufferBudget budget) : IDisposable
    {
        private readonly Dictionary<PgRelation, int> _indexes = new(ReferenceEqualityComparer.Instance);

        public uint Xid { get; } = xid;

        public SpillableLog Log { get; } = new(budget);

        public List<PgRelation> Relations { get; } = [];

        public Dictionary<uint, long> SubtransactionStarts { get; } = [];

        public int IndexOf(PgRelation relation)
        {
            if (!_indexes.TryGetValue(relation, out var index))
            {
                index = Relations.Count;
                Relations.Add(relation);
                _indexes[relation] = index;
            }

            return index;
        }

        public void Dispose() => Log.Dispose();
    }
}
