namespace OutboxSdk.Observability;

internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = LogEvents.BacklogSampleFailed, Level = LogLevel.Warning,
        Message = "Measuring the outbox backlog of schema {Schema} failed; the gauges keep their previous values")]
    public static partial void BacklogSampleFailed(ILogger logger, string schema, Exception exception);

    [LoggerMessage(EventId = LogEvents.HealthDatabaseUnreachable, Level = LogLevel.Warning,
        Message = "Outbox health check: the database of schema {Schema} is unreachable")]
    public static partial void HealthDatabaseUnreachable(ILogger logger, string schema, Exception exception);
}
