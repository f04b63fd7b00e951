using Microsoft.Extensions.Logging;

namespace OutboxSdk.Relay;

internal static partial class RelayLog
{
    [LoggerMessage(RelayEventIds.Active, LogLevel.Information, "Outbox relay active for schema {Schema}, listening on channel {Channel}")]
    public static partial void Active(ILogger logger, string schema, string channel);

    [LoggerMessage(RelayEventIds.Standby, LogLevel.Information, "Outbox relay on standby: another relay holds schema {Schema}; retrying every {PollInterval}")]
    public static partial void Standby(ILogger logger, string schema, TimeSpan pollInterval);

    [LoggerMessage(RelayEventIds.Stopped, LogLevel.Information, "Outbox relay for schema {Schema} stopped")]
    public static partial void Stopped(ILogger logger, string schema);

    [LoggerMessage(RelayEventIds.ConnectionLost, LogLevel.Warning, "Outbox relay faulted (lost its connection?); starting again in {Delay}")]
    public static partial void ConnectionLost(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(RelayEventIds.HandlerFailed, LogLevel.Warning, "Message {MessageId} ({Subject}) failed attempt {Attempt} of {MaxAttempts}; next attempt in {Delay}")]
    public static partial void HandlerFailed(ILogger logger, Guid messageId, string subject, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(RelayEventIds.DeadLettered, LogLevel.Error, "Message {MessageId} ({Subject}) moved to dead letters after {Attempts} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, Guid messageId, string subject, int attempts, string reason);

    [LoggerMessage(RelayEventIds.MessageMissing, LogLevel.Warning, "Outbox row {Id} is queued for delivery but no longer exists (its partition was dropped); dropping it from the queue")]
    public static partial void MessageMissing(ILogger logger, long id);

    [LoggerMessage(RelayEventIds.Claimed, LogLevel.Debug, "Outbox relay claimed {Claimed} message(s)")]
    public static partial void Claimed(ILogger logger, int claimed);

    [LoggerMessage(RelayEventIds.DeliveryFaulted, LogLevel.Warning, "Outbox relay could not deliver key {Key} (lost a connection?); its messages are claimed again later")]
    public static partial void DeliveryFaulted(ILogger logger, string key, Exception exception);

    [LoggerMessage(RelayEventIds.DuplicateSkipped, LogLevel.Debug, "Handler {Handler} already processed message {MessageId} (inbox); skipped")]
    public static partial void DuplicateSkipped(ILogger logger, string handler, Guid messageId);

    [LoggerMessage(RelayEventIds.TriggerChannelInstalled, LogLevel.Information, "Outbox relay made the enqueue trigger of schema {Schema} notify its channel {Channel}")]
    public static partial void TriggerChannelInstalled(ILogger logger, string schema, string channel);

    [LoggerMessage(RelayEventIds.SessionNotEnded, LogLevel.Warning, "Outbox relay could not end the session {Backend} of a delivery whose handler timed out; its rows stay locked until that connection closes")]
    public static partial void SessionNotEnded(ILogger logger, int backend, Exception exception);

    [LoggerMessage(RelayEventIds.ConnectionAbandoned, LogLevel.Warning, "Outbox relay gave up a delivery connection (a handler did not stop after its timeout, or the rollback failed); the attempt was recorded and delivery goes on")]
    public static partial void ConnectionAbandoned(ILogger logger, Exception exception);

    [LoggerMessage(RelayEventIds.QueueTriggerEnabled, LogLevel.Information, "Outbox relay enabled the enqueue trigger of schema {Schema} again (it was off for Replication mode); messages written while it was off are not queued")]
    public static partial void QueueTriggerEnabled(ILogger logger, string schema);
}
