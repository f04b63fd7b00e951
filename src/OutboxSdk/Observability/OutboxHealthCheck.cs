using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OutboxSdk.Observability;

/// <summary>
/// The <c>outbox</c> health check. Unhealthy when the database cannot be reached or (in a process that runs the
/// relay) the relay has not beaten for <see cref="OutboxHealthOptions.MissedBeatsBeforeUnhealthy"/> poll intervals;
/// Degraded when the relay waits on a message only another version of the application can read (a rolling deploy,
/// <see cref="OutboxSdk.Delivery.UnreadableSchemaWatch"/>) or the oldest undelivered message is older than
/// <see cref="OutboxHealthOptions.MaxBacklogAge"/>;
/// in Replication mode, Unhealthy when the relay stopped or the slot is lost or missing and Degraded when the slot
/// retains more WAL than <see cref="ReplicationOptions.RetainedWalWarningBytes"/> (SlotHealth);
/// Healthy otherwise. The data carries <c>backlog</c>, <c>backlogAgeSeconds</c> and <c>lastRelayBeat</c>.
/// </summary>
internal sealed class OutboxHealthCheck(
    BacklogMonitor monitor,
    IRelayHeartbeat heartbeat,
    IOptions<OutboxOptions> outboxOptions,
    IOptions<OutboxHealthOptions> healthOptions,
    TimeProvider time,
    ILogger<OutboxHealthCheck> logger,
    OutboxSdk.Operations.SlotMonitor? slots = null,
    OutboxSdk.Sources.Wal.ReplicationState? replicationState = null,
    OutboxSdk.Delivery.UnreadableSchemaWatch? unreadable = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var outbox = outboxOptions.Value;
        var health = healthOptions.Value;
        var data = new Dictionary<string, object>();
        if (heartbeat.LastBeat is { } lastBeat)
        {
            data["lastRelayBeat"] = lastBeat.ToString("O", CultureInfo.InvariantCulture);
        }

        BacklogSnapshot backlog;
        try
        {
            backlog = await monitor.MeasureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            ObservabilityLog.HealthDatabaseUnreachable(logger, monitor.Schema, e);
            return HealthCheckResult.Unhealthy("The outbox database is unreachable: " + e.Message, e, data);
        }

        data["backlog"] = backlog.Count;
        data["backlogAgeSeconds"] = Math.Round(backlog.OldestAge.TotalSeconds, 3);

        if (outbox.RunRelay && (heartbeat as RelayLiveness)?.StoppedReason is { } misconfigured)
        {
            return HealthCheckResult.Unhealthy("The outbox relay stopped: " + misconfigured, data: data);
        }

        if (outbox.RunRelay && outbox.RelayMode == RelayMode.Replication && replicationState?.StoppedReason is { } stopped)
        {
            // The feed stopped on purpose (an incompatible schema change) and will not resume by itself.
            return HealthCheckResult.Unhealthy("The replication relay stopped: " + stopped, data: data);
        }

        // Replication mode: a stopped relay or a lost slot is Unhealthy, too much retained WAL Degraded (docs/operations.md).
        HealthCheckResult? slot = null;
        if (slots is { Enabled: true })
        {
            try
            {
                slot = await OutboxSdk.Operations.SlotHealth.CheckAsync(slots, replicationState, outbox.RunRelay, data, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                ObservabilityLog.HealthDatabaseUnreachable(logger, monitor.Schema, e);
                return HealthCheckResult.Unhealthy("The outbox database is unreachable: " + e.Message, e, data);
            }

            if (slot?.Status == HealthStatus.Unhealthy)
            {
                return slot.Value;
            }
        }

        if (outbox.RunRelay)
        {
            // Before the first beat the heartbeat's creation time counts, so a starting host gets the same grace.
            var since = heartbeat.LastBeat ?? (heartbeat as RelayLiveness)?.CreatedAt ?? DateTimeOffset.MinValue;
            var limit = outbox.PollInterval * health.MissedBeatsBeforeUnhealthy;
            var silence = time.GetUtcNow() - since;
            if (silence > limit)
            {
                return HealthCheckResult.Unhealthy(
                    $"The outbox relay has not beaten for {Seconds(silence)} s (limit {Seconds(limit)} s: {health.MissedBeatsBeforeUnhealthy} poll intervals).",
                    data: data);
            }
        }

        if (outbox.RunRelay && unreadable?.Current is { Count: > 0 } waits)
        {
            return UnreadableSchemaHealth.Degraded(waits, outbox.Retry, data);
        }

        if (backlog.OldestAge > health.MaxBacklogAge)
        {
            return HealthCheckResult.Degraded(
                $"The oldest of {backlog.Count} undelivered messages is {Seconds(backlog.OldestAge)} s old (limit {Seconds(health.MaxBacklogAge)} s).",
                data: data);
        }

        if (slot is { } degraded)
        {
            return degraded;
        }

        return HealthCheckResult.Healthy($"{backlog.Count} undelivered messages, the oldest {Seconds(backlog.OldestAge)} s old.", data);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
