namespace OutboxSdk.Delivery;

/// <summary>What to do after a failed attempt: retry after <see cref="Delay"/>, or move the event to dead letters.</summary>
/// <param name="DeadLetter">Move it to dead letters now.</param>
/// <param name="Delay">Otherwise, try again after this.</param>
/// <param name="Waiting">A wait for a relay that can read it (<see cref="UnreadableSchemaWatch"/>): no attempt is counted.</param>
/// <param name="StepDown">The relay should give up leadership so that a relay that can read it takes over.</param>
/// <param name="Error">The dead letter's error when it is not the failure's text.</param>
internal readonly record struct FailureDecision(bool DeadLetter, TimeSpan Delay, bool Waiting = false, bool StepDown = false, string? Error = null);

/// <summary>
/// The one failure policy of the delivery engine, for every source: after a failed attempt, retry with exponential
/// backoff and jitter until <see cref="OutboxRetryOptions.MaxAttempts"/>, then dead-letter; an event that can never
/// be handled (undecodable, unreadable) is dead-lettered at once. A message whose writer schema only another version
/// of the application can read is no failure: it waits without consuming attempts (<see cref="UnreadableSchemaWatch"/>).
/// The decision is logged, and a dead letter counted, here and nowhere else, so a dead letter is one log entry and one
/// increment of the counter whatever the mode.
/// </summary>
internal sealed class FailurePolicy(OutboxRetryOptions retry, ILogger logger, UnreadableSchemaWatch unreadable)
{
    /// <summary>Decides after failed attempt number <paramref name="attempt"/> (1-based) of <paramref name="envelope"/>.</summary>
    /// <param name="envelope">The message or change that failed.</param>
    /// <param name="position">Where the event stands in its source, for the log (a queue row, a WAL position).</param>
    /// <param name="attempt">The failed attempt's number.</param>
    /// <param name="failure">What the handler threw.</param>
    public FailureDecision AfterFailure(Envelope envelope, string position, int attempt, Exception failure)
    {
        if (failure is UnreadableSchemaException waiting)
        {
            var wait = unreadable.Decide(envelope, position, waiting, logger);
            if (wait.DeadLetter)
            {
                DeadLettered(envelope, position, Math.Max(1, attempt), wait.Reason);
            }

            return new FailureDecision(wait.DeadLetter, wait.Delay, Waiting: true, wait.StepDown, wait.Reason);
        }

        if (attempt >= retry.MaxAttempts)
        {
            DeadLettered(envelope, position, attempt, failure.ToString());
            return new FailureDecision(true, TimeSpan.Zero);
        }

        var delay = DelayAfter(attempt, retry);
        DeliveryLog.HandlerFailed(logger, envelope.Subject, envelope.MessageId, position, attempt, retry.MaxAttempts, delay, failure);
        return new FailureDecision(false, delay);
    }

    /// <summary>An event that can never be handled: dead-lettered at its first attempt.</summary>
    public void Rejected(Envelope envelope, string position, string reason) => DeadLettered(envelope, position, 1, reason);

    /// <summary>
    /// The delay after failed attempt number <paramref name="attempt"/> (1-based): InitialDelay · 2^(attempt-1),
    /// capped at MaxDelay, then a random 50-100 % of it ("equal jitter"), so failing keys do not retry in lock step.
    /// </summary>
    public static TimeSpan DelayAfter(int attempt, OutboxRetryOptions options)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(options.InitialDelay.Ticks * (double)(1L << exponent), options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.5 + Random.Shared.NextDouble() / 2)));
    }

    private void DeadLettered(Envelope envelope, string position, int attempts, string error)
    {
        DeliveryLog.DeadLettered(logger, envelope.Subject, envelope.MessageId, position, attempts, FirstLine(error));
        OutboxTelemetry.Instrumentation.DeadLettered(envelope.Subject);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd('\r');
    }
}
