using System.Diagnostics;

namespace OutboxSdk.Observability;

/// <summary>
/// The names under which the SDK reports traces and metrics, for wiring up an exporter:
/// <c>builder.AddSource(OutboxTelemetry.ActivitySourceName)</c> and <c>builder.AddMeter(OutboxTelemetry.MeterName)</c>
/// with OpenTelemetry, or an <see cref="ActivityListener"/> / <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public static class OutboxTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name: a producer span per published message, a consumer span per delivery.</summary>
    public const string ActivitySourceName = "OutboxSdk";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name.</summary>
    public const string MeterName = "OutboxSdk";

    /// <summary>The message header that carries the publisher's W3C trace context (see https://www.w3.org/TR/trace-context/).</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>Counter: messages written by the outbox (tag <see cref="SubjectTag"/>).</summary>
    public const string PublishedCounter = "outbox.messages.published";

    /// <summary>Counter: messages whose handlers all succeeded (tag <see cref="SubjectTag"/>).</summary>
    public const string DeliveredCounter = "outbox.messages.delivered";

    /// <summary>Counter: failed handler attempts, each retry counted (tag <see cref="SubjectTag"/>).</summary>
    public const string FailedCounter = "outbox.messages.failed";

    /// <summary>Counter: messages moved to dead letters (tag <see cref="SubjectTag"/>).</summary>
    public const string DeadLetteredCounter = "outbox.messages.dead_lettered";

    /// <summary>Histogram in milliseconds: handler start minus the message's <c>created_at</c> (tag <see cref="SubjectTag"/>).</summary>
    public const string DeliveryLatencyHistogram = "outbox.delivery.latency";

    /// <summary>Observable gauge: undelivered messages (tag <see cref="SchemaTag"/>).</summary>
    public const string BacklogGauge = "outbox.backlog";

    /// <summary>Observable gauge in seconds: age of the oldest undelivered message, 0 when none (tag <see cref="SchemaTag"/>).</summary>
    public const string BacklogAgeGauge = "outbox.backlog.age";

    /// <summary>The tag holding a message's subject.</summary>
    public const string SubjectTag = "outbox.subject";

    /// <summary>The tag holding the outbox's Postgres schema (one process may run several outboxes).</summary>
    public const string SchemaTag = "outbox.schema";

    /// <summary>The tag holding a message's id on spans.</summary>
    public const string MessageIdTag = "messaging.message.id";

    /// <summary>The instruments the writer and the relay report to; one per process, like Npgsql's.</summary>
    internal static OutboxInstrumentation Instrumentation { get; } = new();
}
