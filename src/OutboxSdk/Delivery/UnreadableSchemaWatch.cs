using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OutboxSdk.Hosting;

namespace OutboxSdk.Delivery;

/// <summary>What became of a message this relay cannot read: wait (and maybe step down first), or give up and dead-letter it.</summary>
internal readonly record struct UnreadableDecision(bool DeadLetter, TimeSpan Delay, bool StepDown, string Reason);

/// <summary>A message waiting for a relay that can read it, as this process last saw it.</summary>
internal sealed record UnreadableWait(
    string Subject, Guid MessageId, string WriterSchema, string Reason, string Position, DateTimeOffset Since, DateTimeOffset LastSeen, int Waits, DateTimeOffset? TermSince,
    int StepDowns = 0);

/// <summary>
/// Rolling deploys (docs/schema-evolution.md): the messages this process's relay met and cannot read because another
/// version of the application wrote them (<see cref="UnreadableSchemaException"/>). Such a message is not a failure:
/// it waits — its key in Notify mode, the stream in Replication mode — without consuming attempts, retried every few
/// seconds. After <see cref="OutboxRetryOptions.UnreadableSchemaStepDownAfter"/> of waiting while this relay leads,
/// the relay steps down (<see cref="RelayStepDownException"/>: it releases the leader lock or the slot and stands by
/// for <see cref="StepDownBackoff"/>), so that a standby of a version that can read it takes over; when it leads again
/// and still meets the message (no such standby yet), the next step-down comes after twice as long, up to eight times
/// (so a lone old relay in Notify mode does not pause every key every few seconds for the whole wait). After
/// <see cref="OutboxRetryOptions.UnreadableSchemaTimeout"/> (counted by this process from when it first met the
/// message) it is dead-lettered, to be replayed once that version runs. The health check reports the waits (Degraded).
/// </summary>
internal sealed class UnreadableSchemaWatch(OutboxRetryOptions retry, TimeProvider time)
{
    private static readonly Meter Meter = new(OutboxTelemetry.MeterName);
    private static readonly Counter<long> Waits = Meter.CreateCounter<long>(
        "outbox.messages.unreadable", "{message}", "Messages a relay met whose writer schema only another version of the application can read: each starts a wait.");
    private static readonly Counter<long> StepDowns = Meter.CreateCounter<long>(
        "outbox.relay.stepped_down", "{step}", "Relays that gave up leadership so that a relay able to read a waiting message takes over.");

    /// <summary>How long a wait stays in the health report after this process last saw it (it stood by, or another relay delivered it).</summary>
    private static readonly TimeSpan ReportWindow = TimeSpan.FromSeconds(30);

    /// <summary>Waits not seen for this long are forgotten (memory); a message seen again later starts a new wait.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, UnreadableWait> _waits = new();
    private int _stepDownRequested;

    /// <summary>Whether a delivery asked the source to step down; the source throws <see cref="StepDown"/>'s exception.</summary>
    public bool StepDownRequested => Volatile.Read(ref _stepDownRequested) == 1;

    /// <summary>The messages waiting that this process saw lately, oldest first.</summary>
    public IReadOnlyList<UnreadableWait> Current
    {
        get
        {
            var now = time.GetUtcNow();
            return [.. _waits.Values.Where(w => now - w.LastSeen <= ReportWindow + retry.UnreadableSchemaStepDownAfter).OrderBy(w => w.Since)];
        }
    }

    /// <summary>Records that <paramref name="envelope"/> could not be read again and decides what follows.</summary>
    public UnreadableDecision Decide(Envelope envelope, string position, UnreadableSchemaException unreadable, ILogger logger)
    {
        var now = time.GetUtcNow();
        Forget(now);
        var wait = _waits.AddOrUpdate(
            envelope.MessageId,
            static (id, s) => new UnreadableWait(s.Envelope.Subject, id, s.Unreadable.WriterSchema, s.Unreadable.Message, s.Position, s.Now, s.Now, 0, s.Now),
            static (_, w, s) => w with { LastSeen = s.Now, Position = s.Position, Waits = w.Waits + 1, TermSince = w.TermSince ?? s.Now },
            (Envelope: envelope, Unreadable: unreadable, Position: position, Now: now));
        if (wait.Waits == 0)
        {
            Waits.Add(1, new KeyValuePair<string, object?>(OutboxTelemetry.SubjectTag, envelope.Subject));
            DeliveryLog.UnreadableSchemaWaiting(logger, envelope.Subject, envelope.MessageId, position, wait.WriterSchema, Describe(retry.UnreadableSchemaTimeout), unreadable.Message);
        }

        var timeout = retry.UnreadableSchemaTimeout;
        if (timeout != Timeout.InfiniteTimeSpan && now - wait.Since >= timeout)
        {
            _waits.TryRemove(envelope.MessageId, out _);
            return new UnreadableDecision(true, TimeSpan.Zero, false,
                $"{unreadable.Message} No relay that can read it took over within OutboxOptions.Retry.UnreadableSchemaTimeout ({Describe(timeout)}): "
                + "deploy the version that wrote it and replay this dead letter (IDeadLetters.ReplayAsync, or outbox dead-letters replay <id>).");
        }

        if (now - (wait.TermSince ?? now) >= retry.UnreadableSchemaStepDownAfter * (1 << Math.Min(wait.StepDowns, 3)))
        {
            Volatile.Write(ref _stepDownRequested, 1);
            return new UnreadableDecision(false, TimeSpan.FromSeconds(1), true, unreadable.Message);
        }

        var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(wait.Waits, 8)));
        return new UnreadableDecision(false, delay, false, unreadable.Message);
    }

    /// <summary>The exception that ends the leading session, saying why.</summary>
    public RelayStepDownException StepDown()
    {
        var oldest = Current.FirstOrDefault();
        return new RelayStepDownException(oldest is null
            ? "a message waits for a relay that can read it"
            : $"'{oldest.Subject}' message {oldest.MessageId} at {oldest.Position} (writer schema {oldest.WriterSchema}) waits for a relay that can read it");
    }

    /// <summary>
    /// A session ended: after a step-down, stand by long enough for a standby that retries every
    /// <paramref name="standbyInterval"/> to take over; null when the session did not end in a step-down.
    /// </summary>
    public SessionEnd? Classify(Exception exception, string source, TimeSpan standbyInterval, ILogger logger)
    {
        if (exception is not RelayStepDownException)
        {
            return null;
        }

        Volatile.Write(ref _stepDownRequested, 0);
        foreach (var (id, wait) in _waits)
        {
            _waits.TryUpdate(id, wait with { TermSince = null, StepDowns = wait.TermSince is null ? wait.StepDowns : wait.StepDowns + 1 }, wait);
        }

        var backoff = StepDownBackoff(standbyInterval);
        StepDowns.Add(1);
        DeliveryLog.SteppedDown(logger, source, exception.Message, backoff);
        return SessionEnd.StandBy(backoff);
    }

    /// <summary>Twice a standby's retry interval and a second: a standby of another version tries at least once meanwhile.</summary>
    public static TimeSpan StepDownBackoff(TimeSpan standbyInterval) => standbyInterval * 2 + TimeSpan.FromSeconds(1);

    private void Forget(DateTimeOffset now)
    {
        foreach (var (id, wait) in _waits)
        {
            if (now - wait.LastSeen > ForgetAfter)
            {
                _waits.TryRemove(id, out _);
            }
        }
    }

    private static string Describe(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan ? "never" : timeout.ToString("c", CultureInfo.InvariantCulture);
}
