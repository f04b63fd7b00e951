namespace OutboxSdk.Sources.Notify;

/// <summary>The Notify source's own log events (ids in <see cref="LogEvents"/>, 3100-3199); delivery events are DeliveryLog's.</summary>

internal static partial class RelayLog
{
    [LoggerMessage(LogEvents.NotifyActive, LogLevel.Information, "Outbox relay active for schema {Schema}, listening on channel {Channel}")]
    public static partial void Active(ILogger logger, string schema, string channel);

    [LoggerMessage(LogEvents.NotifyStandby, LogLevel.Information, "Outbox relay on standby: another relay holds schema {Schema}; retrying every {PollInterval}")]
    public static partial void Standby(ILogger logger, string schema, TimeSpan pollInterval);

    [LoggerMessage(LogEvents.NotifyMessageMissing, LogLevel.Warning, "Outbox row {Id} is queued for delivery but no longer exists (its partition was dropped); dropping it from the queue")]
    public static partial void MessageMissing(ILogger logger, long id);

    [LoggerMessage(LogEvents.NotifyClaimed, LogLevel.Debug, "Outbox relay claimed {Claimed} message(s)")]
    public static partial void Claimed(ILogger logger, int claimed);

    [LoggerMessage(LogEvents.NotifyDeliveryFaulted, LogLevel.Warning, "Outbox relay could not deliver key {Key} (lost a connection?); its messages are claimed again later")]
    public static partial void DeliveryFaulted(ILogger logger, string key, Exception exception);

    [LoggerMessage(LogEvents.NotifyTriggerChannelInstalled, LogLevel.Information, "Outbox relay made the enqueue trigger of schema {Schema} notify its channel {Channel}")]
    public static partial void TriggerChannelInstalled(ILogger logger, string schema, string channel);

    [LoggerMessage(LogEvents.NotifyQueueTriggerEnabled, LogLevel.Information, "Outbox relay enabled the enqueue trigger of schema {Schema} again (it was off for Replication mode); messages written while it was off are not queued")]
    public static partial void QueueTriggerEnabled(ILogger logger, string schema);
}
