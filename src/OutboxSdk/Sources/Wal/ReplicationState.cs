namespace OutboxSdk.Sources.Wal;

/// <summary>
/// What the Replication relay of this process is doing, for health, metrics and operations tools (slot lag,
/// <c>outbox status</c>): the names, whether it streams, the last acknowledged LSN and processed position, the
/// streamed-transaction buffer's use, and why it stopped when a change-feed relation became incompatible.
/// </summary>
internal sealed class ReplicationState
{
    private long _ackedLsn;
    private long _peakBufferBytes;
    private long _spilledBytes;
    private int _streaming;
    private volatile string? _stoppedReason;
    private ReplicationPosition _processed = ReplicationPosition.Start;

    private readonly ReplicationNaming _naming;

    public ReplicationState(ReplicationNaming naming) => _naming = naming;

    /// <summary>The slot's name (resolved at startup; see <see cref="ReplicationNaming"/>).</summary>
    public string Slot => _naming.Names.Slot;

    public string Publication => _naming.Names.Publication;

    /// <summary>The names, resolved from the server at startup.</summary>
    public ReplicationNaming Naming => _naming;

    /// <summary>Whether this process holds the slot and streams from it now (false on standby).</summary>
    public bool Streaming
    {
        get => Volatile.Read(ref _streaming) != 0;
        set => Volatile.Write(ref _streaming, value ? 1 : 0);
    }

    /// <summary>The LSN last reported to the server as flushed (the slot's confirmed_flush_lsn follows it).</summary>
    public NpgsqlLogSequenceNumber LastAckedLsn => new((ulong)Interlocked.Read(ref _ackedLsn));

    /// <summary>The last event whose handlers completed durably.</summary>
    public ReplicationPosition LastProcessed
    {
        get { lock (this) { return _processed; } }
        set { lock (this) { _processed = value; } }
    }

    /// <summary>The most memory streamed transactions held at once.</summary>
    public long PeakBufferBytes => Interlocked.Read(ref _peakBufferBytes);

    /// <summary>Bytes streamed transactions spilled to disk, in all.</summary>
    public long SpilledBytes => Interlocked.Read(ref _spilledBytes);

    /// <summary>Set when the relay stopped at an incompatible relation; cleared when it streams again.</summary>
    public string? StoppedReason
    {
        get => _stoppedReason;
        set => _stoppedReason = value;
    }

    internal void Acked(ulong lsn) => Interlocked.Exchange(ref _ackedLsn, (long)lsn);

    internal void Buffer(StreamBufferBudget budget)
    {
        Interlocked.Exchange(ref _peakBufferBytes, Math.Max(PeakBufferBytes, budget.Peak));
        Interlocked.Exchange(ref _spilledBytes, budget.SpilledBytes);
    }
}
