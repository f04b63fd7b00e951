using Microsoft.Extensions.Diagnostics.HealthChecks;

using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// The slot's part of the <c>outbox</c> health check: Unhealthy when the relay stopped (an incompatible change-feed
/// relation, or a lost slot it may not recreate) or the slot is lost or missing; Degraded when it retains more WAL than
/// <see cref="ReplicationOptions.RetainedWalWarningBytes"/>; null when none of these holds.
/// </summary>
internal static class SlotHealth
{
    public static async Task<HealthCheckResult?> CheckAsync(SlotMonitor monitor, ReplicationState? state, bool runsRelay, IDictionary<string, object> data, CancellationToken cancellationToken)
    {
        var sample = await monitor.MeasureAsync(cancellationToken).ConfigureAwait(false);
        var slot = sample.Slot;
        data["slot"] = slot.Name;
        data["walStatus"] = slot.WalStatus;
        if (slot.RetainedWalBytes is { } retained)
        {
            data["retainedWalBytes"] = retained;
        }

        if (slot.LagBytes is { } lag)
        {
            data["slotLagBytes"] = lag;
            data["slotLagSeconds"] = Math.Round(sample.LagSeconds, 3);
        }

        if (runsRelay && state?.StoppedReason is { } reason)
        {
            return HealthCheckResult.Unhealthy($"The replication relay of slot '{slot.Name}' stopped: {reason}", data: AsReadOnly(data));
        }

        if (slot.WalStatus == ReplicationSlotInfo.Lost)
        {
            return HealthCheckResult.Unhealthy(
                $"Replication slot '{slot.Name}' was invalidated (wal_status lost: it needed WAL beyond max_slot_wal_keep_size); changes since its last confirmed position are gone. See docs/operations.md.",
                data: AsReadOnly(data));
        }

        if (slot.WalStatus == ReplicationSlotInfo.Missing && (runsRelay || await monitor.HadSlotAsync(cancellationToken).ConfigureAwait(false)))
        {
            return HealthCheckResult.Unhealthy($"Replication slot '{slot.Name}' does not exist.", data: AsReadOnly(data));
        }

        var threshold = monitor.Options.RetainedWalWarningBytes;
        if (slot.RetainedWalBytes > threshold)
        {
            return HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"Replication slot '{slot.Name}' retains {slot.RetainedWalBytes} bytes of WAL (warning threshold {threshold}; wal_status {slot.WalStatus}, safe_wal_size {slot.SafeWalSize?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"})."),
                data: AsReadOnly(data));
        }

        return null;
    }

    private static IReadOnlyDictionary<string, object> AsReadOnly(IDictionary<string, object> data) => new Dictionary<string, object>(data);
}
