namespace OutboxSdk.Delivery;

/// <summary>
/// The delivery engine's log events: one event id per event, whatever the source (Notify queue or WAL) that read
/// the message or change. The ids are in <see cref="LogEvents"/>.
/// </summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(LogEvents.HandlerFailed, LogLevel.Warning, "{Subject} {MessageId} at {Position} failed attempt {Attempt} of {MaxAttempts}; next attempt in {Delay}")]
    public static partial void HandlerFailed(ILogger logger, string subject, Guid messageId, string position, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(LogEvents.DeadLettered, LogLevel.Error, "{Subject} {MessageId} at {Position} moved to dead letters after {Attempts} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, string subject, Guid messageId, string position, int attempts, string reason);

    [LoggerMessage(LogEvents.DuplicateSkipped, LogLevel.Debug, "Handler {Handler} already processed message {MessageId} (inbox); skipped")]
    public static partial void DuplicateSkipped(ILogger logger, string handler, Guid messageId);

    [LoggerMessage(LogEvents.RelayFaulted, LogLevel.Warning, "Outbox relay ({Source}) faulted; starting again in {Delay}")]
    public static partial void RelayFaulted(ILogger logger, string source, TimeSpan delay, Exception exception);

    [LoggerMessage(LogEvents.RelayStopped, LogLevel.Information, "Outbox relay ({Source}) for {Name} stopped")]
    public static partial void RelayStopped(ILogger logger, string source, string name);

    [LoggerMessage(LogEvents.SessionNotEnded, LogLevel.Warning, "Could not end the server session {Backend} of a delivery whose handler timed out or whose rollback failed; what it holds is released when that connection closes")]
    public static partial void SessionNotEnded(ILogger logger, int backend, Exception exception);

    [LoggerMessage(LogEvents.ConnectionAbandoned, LogLevel.Warning, "Gave up a delivery connection (a handler did not stop after its timeout, or the rollback failed); the attempt was recorded and delivery goes on")]
    public static partial void ConnectionAbandoned(ILogger logger, Exception exception);
}
