using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutboxSdk.Observability;

/// <summary>
/// The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/> with the calls the writer and the relay make.
/// Reach it through <see cref="OutboxTelemetry.Instrumentation"/>. Every call is cheap when nobody listens.
/// </summary>
internal sealed class OutboxInstrumentation
{
    private readonly ActivitySource _source = new(OutboxTelemetry.ActivitySourceName);
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _latency;

    // Several hosts (or outboxes on different schemas) can live in one process: each registers its backlog
    // monitor, and the gauges report one measurement per monitor, tagged with its schema.
    private readonly ConcurrentDictionary<BacklogMonitor, byte> _monitors = new();

    public OutboxInstrumentation()
    {
        var meter = new Meter(OutboxTelemetry.MeterName);
        _published = meter.CreateCounter<long>(OutboxTelemetry.PublishedCounter, "{message}", "Messages written to the outbox.");
        _delivered = meter.CreateCounter<long>(OutboxTelemetry.DeliveredCounter, "{message}", "Messages whose handlers all succeeded.");
        _failed = meter.CreateCounter<long>(OutboxTelemetry.FailedCounter, "{attempt}", "Failed handler attempts.");
        _deadLettered = meter.CreateCounter<long>(OutboxTelemetry.DeadLetteredCounter, "{message}", "Messages moved to dead letters.");
        _latency = meter.CreateHistogram<double>(OutboxTelemetry.DeliveryLatencyHistogram, "ms", "Handler start minus the message's created_at.");
        meter.CreateObservableGauge(OutboxTelemetry.BacklogGauge, () => Observe(static s => s.Count), "{message}", "Undelivered messages.");
        meter.CreateObservableGauge(OutboxTelemetry.BacklogAgeGauge, () => Observe(static s => s.OldestAge.TotalSeconds), "s", "Age of the oldest undelivered message.");
    }

    /// <summary>
    /// Starts the producer span of one message and returns it (null when nobody listens). <paramref name="traceParent"/>
    /// is what the writer stores in the <c>traceparent</c> header: the new span's context, else the ambient
    /// <see cref="Activity.Current"/>'s (so a trace continues even when only the caller is sampled), else null.
    /// </summary>
    public Activity? StartPublish(string subject, Guid messageId, out string? traceParent)
    {
        var activity = _source.StartActivity(subject + " publish", ActivityKind.Producer);
        activity?.SetTag(OutboxTelemetry.SubjectTag, subject);
        activity?.SetTag(OutboxTelemetry.MessageIdTag, messageId);
        var context = activity ?? Activity.Current;
        traceParent = context is { IdFormat: ActivityIdFormat.W3C } ? context.Id : null;
        return activity;
    }

    /// <summary>
    /// Starts the consumer span of one delivery attempt, a child of the publisher's context parsed from
    /// <paramref name="traceParent"/> (the header), so the handler's work continues the publisher's trace.
    /// A missing or malformed header starts a new trace. Null when nobody listens.
    /// </summary>
    public Activity? StartDeliver(string subject, Guid messageId, string? traceParent)
    {
        ActivityContext parent = default;
        if (traceParent is not null)
        {
            ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out parent);
        }

        var activity = _source.StartActivity(subject + " process", ActivityKind.Consumer, parent);
        activity?.SetTag(OutboxTelemetry.SubjectTag, subject);
        activity?.SetTag(OutboxTelemetry.MessageIdTag, messageId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with the exception as an OpenTelemetry-style <c>exception</c> event.</summary>
    public static void RecordException(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }

    /// <summary>Counts <paramref name="count"/> messages of <paramref name="subject"/> written (after the insert or COPY, not at commit).</summary>
    public void Published(string subject, long count = 1) => _published.Add(count, Subject(subject));

    /// <summary>
    /// Records commit→handler latency once per message, when its first attempt starts: <paramref name="handlerStart"/>
    /// minus <paramref name="createdAt"/> (the row's created_at, i.e. the writer's transaction start).
    /// </summary>
    public void HandlerStarted(string subject, DateTimeOffset createdAt, DateTimeOffset handlerStart) =>
        _latency.Record(Math.Max(0, (handlerStart - createdAt).TotalMilliseconds), Subject(subject));

    /// <summary>Counts one message whose handlers all succeeded.</summary>
    public void Delivered(string subject) => _delivered.Add(1, Subject(subject));

    /// <summary>Counts one failed handler attempt (a retry that later succeeds still counts).</summary>
    public void Failed(string subject) => _failed.Add(1, Subject(subject));

    /// <summary>Counts one message moved to dead letters.</summary>
    public void DeadLettered(string subject) => _deadLettered.Add(1, Subject(subject));

    internal void Register(BacklogMonitor monitor) => _monitors.TryAdd(monitor, 0);

    internal void Unregister(BacklogMonitor monitor) => _monitors.TryRemove(monitor, out _);

    private static KeyValuePair<string, object?> Subject(string subject) => new(OutboxTelemetry.SubjectTag, subject);

    private IEnumerable<Measurement<T>> Observe<T>(Func<BacklogSnapshot, T> value)
        where T : struct
    {
        foreach (var monitor in _monitors.Keys)
        {
            if (monitor.Latest is { } snapshot)
            {
                yield return new Measurement<T>(value(snapshot), new KeyValuePair<string, object?>(OutboxTelemetry.SchemaTag, monitor.Schema));
            }
        }
    }
}
