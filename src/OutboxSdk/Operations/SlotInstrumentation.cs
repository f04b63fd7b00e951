using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// The slot gauges of the <c>OutboxSdk</c> meter, one measurement per outbox in Replication mode (tags
/// <c>outbox.schema</c> and <c>outbox.replication.slot</c>), read from the monitors' latest samples: nothing is queried
/// when a collector observes them. Listen with <c>AddMeter(OutboxTelemetry.MeterName)</c>; docs/operations.md.
/// </summary>
public static class SlotInstrumentation
{
    /// <summary>Observable gauge in bytes: <c>pg_current_wal_lsn() − confirmed_flush_lsn</c>.</summary>
    public const string LagBytesGauge = "outbox.replication.slot.lag";

    /// <summary>Observable gauge in seconds: how long the slot has owed WAL; 0 when caught up.</summary>
    public const string LagSecondsGauge = "outbox.replication.slot.lag.time";

    /// <summary>Observable gauge in bytes: <c>pg_current_wal_lsn() − restart_lsn</c>, the WAL the server keeps for the slot.</summary>
    public const string RetainedWalGauge = "outbox.replication.slot.retained_wal";

    /// <summary>
    /// Observable gauge: 1 for the slot's current <c>wal_status</c> (tag <c>outbox.replication.wal_status</c>: reserved,
    /// extended, unreserved, lost, missing), so an alert can fire on <c>wal_status="lost"</c>.
    /// </summary>
    public const string WalStatusGauge = "outbox.replication.slot.wal_status";

    /// <summary>Observable gauge in bytes: <c>safe_wal_size</c>, WAL that can still be written before the slot is invalidated (only with max_slot_wal_keep_size).</summary>
    public const string SafeWalSizeGauge = "outbox.replication.slot.safe_wal_size";

    /// <summary>
    /// Counter: a lost (invalidated or dropped) slot was recreated under <see cref="SnapshotMode.WhenNeeded"/>; tag
    /// <see cref="GapTag"/> says what became of the outbox messages of its gap: <c>replayed</c> (Table write mode,
    /// delivered from the messages table), <c>lost</c> (LogicalMessage write mode: only the removed WAL held them) or
    /// <c>none</c> (the slot had processed nothing of ours). Alert on any increment.
    /// </summary>
    public const string RecreatedCounter = "outbox.replication.slot.recreated";

    /// <summary>The tag of <see cref="RecreatedCounter"/>: replayed, lost or none.</summary>
    public const string GapTag = "outbox.replication.gap";

    /// <summary>The tag holding the slot's name.</summary>
    public const string SlotTag = "outbox.replication.slot";

    /// <summary>The tag of <see cref="WalStatusGauge"/> holding the slot's <c>wal_status</c>.</summary>
    public const string WalStatusTag = "outbox.replication.wal_status";

    private static readonly ConcurrentDictionary<SlotMonitor, byte> Monitors = new();
    private static readonly Counter<long> Recreations;

    static SlotInstrumentation()
    {
        var meter = new Meter(OutboxTelemetry.MeterName);
        Recreations = meter.CreateCounter<long>(RecreatedCounter, "{slot}", "Lost replication slots recreated under SnapshotMode.WhenNeeded, by what became of the gap's outbox messages.");
        meter.CreateObservableGauge(LagBytesGauge, () => Observe(static s => s.Slot.LagBytes), "By", "WAL written that the outbox's slot has not confirmed.");
        meter.CreateObservableGauge(LagSecondsGauge, () => Observe(static s => s.Slot.IsLostOrMissing ? null : (double?)s.LagSeconds), "s", "How long the outbox's slot has owed WAL.");
        meter.CreateObservableGauge(RetainedWalGauge, () => Observe(static s => s.Slot.RetainedWalBytes), "By", "WAL the server retains for the outbox's slot.");
        meter.CreateObservableGauge(SafeWalSizeGauge, () => Observe(static s => s.Slot.SafeWalSize), "By", "WAL that can be written before the slot is invalidated.");
        meter.CreateObservableGauge(WalStatusGauge, ObserveStatus, "{slot}", "The outbox slot's wal_status (1 for the current status, tagged).");
    }

    internal static void Register(SlotMonitor monitor)
    {
        if (monitor.Enabled)
        {
            Monitors.TryAdd(monitor, 0);
        }
    }

    internal static void Recreated(string schema, string slot, string gap) =>
        Recreations.Add(1, [new(OutboxTelemetry.SchemaTag, schema), new(SlotTag, slot), new(GapTag, gap)]);

    internal static void Unregister(SlotMonitor monitor) => Monitors.TryRemove(monitor, out _);

    private static IEnumerable<Measurement<T>> Observe<T>(Func<SlotSample, T?> value)
        where T : struct
    {
        foreach (var monitor in Monitors.Keys)
        {
            if (monitor.Latest is { } sample && value(sample) is { } v)
            {
                yield return new Measurement<T>(v, Tags(monitor));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveStatus()
    {
        foreach (var monitor in Monitors.Keys)
        {
            if (monitor.Latest is { } sample)
            {
                yield return new Measurement<int>(1, [.. Tags(monitor), new(WalStatusTag, sample.Slot.WalStatus)]);
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(SlotMonitor monitor) =>
        [new(OutboxTelemetry.SchemaTag, monitor.Schema), new(SlotTag, monitor.Slot)];
}
