namespace OutboxSdk.Hosting;

/// <summary>
/// Where the delivery engine's events come from, for the configured <see cref="RelayMode"/>: the Notify queue or the
/// WAL. The one hosted loop (<see cref="RelayHostedService"/>) runs its sessions, one after another, and decides
/// from <see cref="Classify"/> what follows a session that ended in an exception.
/// </summary>
internal interface IRelaySource
{
    /// <summary>The mode's name, for the log.</summary>
    string Name { get; }

    /// <summary>What it relays (a schema, a slot), for the log.</summary>
    string Target { get; }

    /// <summary>
    /// One session: connect, lead (or stand by inside the session) and deliver until the session fails (it throws) or
    /// <paramref name="stopping"/> is cancelled. Calls <paramref name="progress"/>'s <see cref="RelayProgress.Made"/>
    /// once it got through (took the lead, streamed), so the next failure starts a new run of reconnect attempts.
    /// </summary>
    Task RunAsync(RelayProgress progress, CancellationToken stopping);

    /// <summary>What the loop does after a session ended in <paramref name="exception"/> (not a cancellation at shutdown).</summary>
    SessionEnd Classify(Exception exception);
}

/// <summary>Whether a relay session got through (led, streamed) before it ended.</summary>
internal sealed class RelayProgress
{
    public bool Any { get; private set; }

    public void Made() => Any = true;
}

/// <summary>What follows a session's end: a fault (reconnect with backoff), standing by for <see cref="Delay"/>, or stopping for good.</summary>
internal readonly record struct SessionEnd(SessionEndKind Kind, TimeSpan Delay)
{
    public static SessionEnd Fault { get; } = new(SessionEndKind.Fault, TimeSpan.Zero);

    public static SessionEnd Stop { get; } = new(SessionEndKind.Stop, TimeSpan.Zero);

    public static SessionEnd StandBy(TimeSpan delay) => new(SessionEndKind.Standby, delay);
}

internal enum SessionEndKind : byte
{
    /// <summary>Log it and start again after <see cref="OutboxSdk.Delivery.ReconnectBackoff"/>.</summary>
    Fault,

    /// <summary>Another process leads: try again after the delay; not a fault.</summary>
    Standby,

    /// <summary>The source cannot go on (it said why): the relay stops, and its health turns unhealthy.</summary>
    Stop,
}
