using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using OutboxSdk.Delivery;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Observability.Tests;

namespace OutboxSdk.Relay.Tests;

/// <summary>
/// The rolling-deploy policy on a clock moved by hand: a message only another version can read waits without
/// consuming attempts, the leader steps down after UnreadableSchemaStepDownAfter (then after twice as long while it keeps meeting it),
/// the wait ends in a dead letter after UnreadableSchemaTimeout (never with an infinite one), and the health report names it.
/// </summary>
public sealed class UnreadableSchemaWatchTests
{
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private readonly OutboxRetryOptions _retry = new() { UnreadableSchemaStepDownAfter = TimeSpan.FromSeconds(10), UnreadableSchemaTimeout = TimeSpan.FromMinutes(1) };
    private readonly Envelope _message = new(Guid.NewGuid(), "shop.order-shipped", "k", 42, [0xC3, 0x01], "{}", null, DateTime.UtcNow, EnvelopeSource.Outbox);
    private readonly UnreadableSchemaException _unreadable = new("this version cannot read it", "shop.order-shipped", 42, 2, null);

    [Fact]
    public void A_message_waits_then_the_leader_steps_down_and_competes_again_after_a_backoff()
    {
        var watch = new UnreadableSchemaWatch(_retry, _time);
        var policy = new FailurePolicy(_retry, NullLogger.Instance, watch);

        var first = policy.AfterFailure(_message, "outbox row 7", 1, _unreadable);
        Assert.Equal((false, true, false, TimeSpan.FromSeconds(1)), (first.DeadLetter, first.Waiting, first.StepDown, first.Delay));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(policy.AfterFailure(_message, "outbox row 7", 1, _unreadable).StepDown);
        Assert.False(watch.StepDownRequested);

        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(policy.AfterFailure(_message, "outbox row 7", 1, _unreadable).StepDown);
        Assert.True(watch.StepDownRequested);
        var stepDown = watch.StepDown();
        Assert.Contains("'shop.order-shipped'", stepDown.Message, StringComparison.Ordinal);

        var end = watch.Classify(stepDown, "Notify", TimeSpan.FromSeconds(1), NullLogger.Instance);
        Assert.Equal(SessionEnd.StandBy(TimeSpan.FromSeconds(3)), end);
        Assert.False(watch.StepDownRequested);
        Assert.Null(watch.Classify(new InvalidOperationException(), "Notify", TimeSpan.FromSeconds(1), NullLogger.Instance));

        // Leading again and still meeting it (no relay that can read it took over): the next step-down after twice as long.
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(policy.AfterFailure(_message, "outbox row 7", 1, _unreadable).StepDown);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(policy.AfterFailure(_message, "outbox row 7", 1, _unreadable).StepDown);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(policy.AfterFailure(_message, "outbox row 7", 1, _unreadable).StepDown);
    }

    [Fact]
    public void A_message_no_relay_read_within_the_timeout_is_dead_lettered_and_an_infinite_timeout_never_does()
    {
        var watch = new UnreadableSchemaWatch(_retry, _time);
        var policy = new FailurePolicy(_retry, NullLogger.Instance, watch);
        policy.AfterFailure(_message, "outbox row 7", 1, _unreadable);
        _time.Advance(TimeSpan.FromMinutes(1));

        var decision = policy.AfterFailure(_message, "outbox row 7", 1, _unreadable);
        Assert.True(decision.DeadLetter);
        Assert.Contains("this version cannot read it", decision.Error, StringComparison.Ordinal);
        Assert.Contains("UnreadableSchemaTimeout (00:01:00)", decision.Error, StringComparison.Ordinal);
        Assert.Contains("replay", decision.Error, StringComparison.Ordinal);
        Assert.Empty(watch.Current);

        var forever = new OutboxRetryOptions { UnreadableSchemaTimeout = Timeout.InfiniteTimeSpan };
        var patient = new FailurePolicy(forever, NullLogger.Instance, new UnreadableSchemaWatch(forever, _time));
        patient.AfterFailure(_message, "outbox row 7", 1, _unreadable);
        for (var minutes = 0; minutes < 6 * 60; minutes += 5)
        {
            // Seen again every few minutes (as a waiting message is), for six hours: never given up.
            _time.Advance(TimeSpan.FromMinutes(5));
            Assert.False(patient.AfterFailure(_message, "outbox row 7", 1, _unreadable).DeadLetter);
        }
    }

    [Fact]
    public void The_health_report_names_subject_writer_schema_and_what_to_do_until_the_wait_is_no_longer_seen()
    {
        var watch = new UnreadableSchemaWatch(_retry, _time);
        watch.Decide(_message, "outbox row 7", _unreadable, NullLogger.Instance);

        var waits = watch.Current;
        var result = UnreadableSchemaHealth.Degraded(waits, _retry, []);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("'shop.order-shipped' message", result.Description, StringComparison.Ordinal);
        Assert.Contains("writer schema version 2 (fingerprint 42)", result.Description, StringComparison.Ordinal);
        Assert.Contains("waiting for a relay that can read it (a newer deploy)", result.Description, StringComparison.Ordinal);
        Assert.Contains("dead-lettered if none has read it 00:01:00", result.Description, StringComparison.Ordinal);

        // Another relay took over (this one stands by) and no longer sees it: the report clears.
        _time.Advance(TimeSpan.FromSeconds(41));
        Assert.Empty(watch.Current);
    }
}
