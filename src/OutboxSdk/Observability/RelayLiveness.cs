namespace OutboxSdk.Observability;

/// <summary>The relay's heartbeat: the relay calls <see cref="Beat"/> on every loop turn, the health check reads it.</summary>
internal interface IRelayHeartbeat
{
    /// <summary>Records that the relay loop is alive now.</summary>
    void Beat();

    /// <summary>The last <see cref="Beat"/>, or null before the first.</summary>
    DateTimeOffset? LastBeat { get; }
}

/// <summary>The singleton <see cref="IRelayHeartbeat"/>; its creation time stands in for a first beat, as startup grace.</summary>
internal sealed class RelayLiveness : IRelayHeartbeat
{
    private readonly TimeProvider _time;
    private long _lastBeatTicks; // UTC ticks; 0 = never. A long so readers on other threads see whole values.

    /// <summary>Creates the heartbeat, reading the time from <paramref name="time"/>.</summary>
    public RelayLiveness(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        CreatedAt = time.GetUtcNow();
    }

    /// <summary>When this heartbeat was created (the host's start, roughly).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <inheritdoc />
    public DateTimeOffset? LastBeat
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastBeatTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <inheritdoc />
    public void Beat() => Interlocked.Exchange(ref _lastBeatTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Why the relay stopped for good (it cannot run as configured), or null while it runs.</summary>
    public string? StoppedReason { get; private set; }

    /// <summary>Records that the relay stopped for good, and why.</summary>
    public void Stop(string reason) => StoppedReason = reason;
}
