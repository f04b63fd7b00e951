namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The memory all streamed transactions of one consumer may hold (<see cref="ReplicationOptions.StreamBufferBytes"/>),
/// counted in the chunks actually allocated. A buffer that cannot reserve another chunk spills to disk instead.
/// Used by the consumer's loop only; the counters are published for the state object and tests.
/// </summary>
internal sealed class StreamBufferBudget(long limit)
{
    private long _used;
    private long _peak;
    private long _spilledBytes;

    public long Limit { get; } = limit;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>The most ever held in memory at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Bytes written to spill files, in all.</summary>
    public long SpilledBytes => Interlocked.Read(ref _spilledBytes);

    public bool TryReserve(int bytes)
    {
        if (_used + bytes > Limit)
        {
            return false;
        }

        var used = Interlocked.Add(ref _used, bytes);
        if (used > _peak)
        {
            Interlocked.Exchange(ref _peak, used);
        }

        return true;
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);

    public void Spilled(int bytes) => Interlocked.Add(ref _spilledBytes, bytes);
}
