using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutboxSdk.Observability.Tests;

public sealed class TelemetryTests : IDisposable
{
    // Tests in other classes may run in parallel and report to the same source: each test uses its own subject.
    private readonly string _subject = "test." + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == OutboxTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _stopped.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private static OutboxInstrumentation Telemetry => OutboxTelemetry.Instrumentation;

    [Fact]
    public void Delivery_span_continues_the_publishers_trace_from_the_stored_traceparent()
    {
        var messageId = Guid.NewGuid();
        string? traceParent;
        ActivityTraceId publishTrace;
        ActivitySpanId publishSpan;
        using (var publish = Telemetry.StartPublish(_subject, messageId, out traceParent))
        {
            Assert.NotNull(publish);
            Assert.Equal(ActivityKind.Producer, publish.Kind);
            publishTrace = publish.TraceId;
            publishSpan = publish.SpanId;
        }

        Assert.Equal($"00-{publishTrace}-{publishSpan}-01", traceParent);

        // The relay runs later, with no ambient activity: the parent comes from the header alone.
        Activity.Current = null;
        using (var deliver = Telemetry.StartDeliver(_subject, messageId, traceParent))
        {
            Assert.NotNull(deliver);
            Assert.Equal(ActivityKind.Consumer, deliver.Kind);
            Assert.Equal(publishTrace, deliver.TraceId);
            Assert.Equal(publishSpan, deliver.ParentSpanId);
            Assert.Equal(_subject, deliver.GetTagItem(OutboxTelemetry.SubjectTag));
            Assert.Equal(messageId, deliver.GetTagItem(OutboxTelemetry.MessageIdTag));
        }

        Assert.Equal(2, _stopped.Count(a => Equals(a.GetTagItem(OutboxTelemetry.SubjectTag), _subject)));
    }

    [Fact]
    public void Publish_without_a_listener_still_stores_the_callers_trace_context()
    {
        _listener.Dispose();
        using var caller = new Activity("http request").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var publish = Telemetry.StartPublish(_subject, Guid.NewGuid(), out var traceParent);
        Assert.Null(publish);
        Assert.Equal(caller.Id, traceParent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a traceparent")]
    public void Delivery_without_a_usable_header_starts_a_new_trace(string? header)
    {
        Activity.Current = null;
        using var deliver = Telemetry.StartDeliver(_subject, Guid.NewGuid(), header);
        Assert.NotNull(deliver);
        Assert.Equal(default, deliver.ParentSpanId);
    }

    [Fact]
    public void RecordException_marks_the_span_failed_with_an_exception_event()
    {
        using var deliver = Telemetry.StartDeliver(_subject, Guid.NewGuid(), null);
        OutboxInstrumentation.RecordException(deliver, new InvalidOperationException("handler broke"));
        Assert.Equal(ActivityStatusCode.Error, deliver!.Status);
        Assert.Equal("handler broke", deliver.StatusDescription);
        var exception = Assert.Single(deliver.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(InvalidOperationException).FullName));
    }

    [Fact]
    public void Counters_and_latency_histogram_are_reported_per_subject()
    {
        var seen = new ConcurrentDictionary<string, double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OutboxTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == OutboxTelemetry.SubjectTag && Equals(tag.Value, _subject))
                {
                    seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                }
            }
        }

        meters.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        meters.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        meters.Start();

        var created = DateTimeOffset.UtcNow;
        Telemetry.Published(_subject, 3);
        Telemetry.HandlerStarted(_subject, created, created.AddMilliseconds(12.5));
        Telemetry.Failed(_subject);
        Telemetry.Failed(_subject);
        Telemetry.Delivered(_subject);
        Telemetry.DeadLettered(_subject);

        Assert.Equal(3, seen[OutboxTelemetry.PublishedCounter]);
        Assert.Equal(12.5, seen[OutboxTelemetry.DeliveryLatencyHistogram], 3);
        Assert.Equal(2, seen[OutboxTelemetry.FailedCounter]);
        Assert.Equal(1, seen[OutboxTelemetry.DeliveredCounter]);
        Assert.Equal(1, seen[OutboxTelemetry.DeadLetteredCounter]);
    }
}
