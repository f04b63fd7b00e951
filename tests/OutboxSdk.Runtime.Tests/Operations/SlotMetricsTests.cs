using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Observability;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Operations.Tests;

/// <summary>The slot gauges follow real lag: they grow while the consumer is away and fall back when it catches up.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SlotMetricsTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Lag_and_retained_WAL_grow_while_the_consumer_is_away_and_shrink_when_it_catches_up()
    {
        await using var outbox = await OpsOutbox.CreateAsync(fixture.Postgres);
        var (relay, _) = await outbox.StartAsync();
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(OpsOutbox.StateOf(relay).Streaming), "the relay streams");
        await outbox.StopAsync(relay);

        await OpsOutbox.WaitUntilAsync(async () => await outbox.ActivePidAsync() is null, "the walsender let go of the slot");

        // A publisher-only host samples the slot too (its monitor is the one the gauges and health read). Its sampler
        // takes one sample at start and then waits an hour, so the gauges show the samples this test takes.
        var (publisher, _) = await outbox.StartAsync(runRelay: false,
            services: s => s.Configure<OutboxHealthOptions>(o => o.BacklogSampleInterval = TimeSpan.FromHours(1)));
        var monitor = OpsOutbox.MonitorOf(publisher);
        await OpsOutbox.WaitUntilAsync(() => Task.FromResult(monitor.Latest is not null), "the sampler's first sample");
        var before = await monitor.MeasureAsync(default);
        Assert.Equal(outbox.Slot, before.Slot.Name);
        Assert.False(before.Slot.Active);

        await outbox.WriteWalAsync(4);
        var behind = await monitor.MeasureAsync(default);
        Assert.True(behind.Slot.LagBytes - before.Slot.LagBytes > 2_000_000, $"lag grew by megabytes ({before.Slot.LagBytes} -> {behind.Slot.LagBytes})");
        Assert.True(behind.Slot.RetainedWalBytes - before.Slot.RetainedWalBytes > 2_000_000, $"retained WAL grew by megabytes ({before.Slot.RetainedWalBytes} -> {behind.Slot.RetainedWalBytes})");
        Assert.Equal("reserved", behind.Slot.WalStatus);

        // The time lag counts from the first sample that saw WAL the slot still owes.
        await Task.Delay(300);
        await outbox.WriteWalAsync(1);
        var later = await monitor.MeasureAsync(default);
        Assert.True(later.LagSeconds > 0, $"lag seconds {later.LagSeconds}");
        AssertGauges(outbox, later);

        // The consumer comes back: its heartbeat and acknowledgements move the slot past everything written.
        var (_, _) = await outbox.StartAsync();
        var owed = (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(later.Slot.ConfirmedFlushLsn!) + (ulong)later.Slot.LagBytes!.Value;
        await OpsOutbox.WaitUntilAsync(async () =>
        {
            var sample = await monitor.MeasureAsync(default);
            return (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(sample.Slot.ConfirmedFlushLsn!) >= owed;
        }, "the slot confirmed the WAL written while the consumer was away");
        var caughtUp = await monitor.MeasureAsync(default);
        Assert.True(caughtUp.Slot.Active);
        Assert.True(caughtUp.Slot.LagBytes < later.Slot.LagBytes, $"lag fell ({later.Slot.LagBytes} -> {caughtUp.Slot.LagBytes})");
    }

    private static void AssertGauges(OpsOutbox outbox, SlotSample sample)
    {
        var seen = new Dictionary<string, object>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OutboxTelemetry.MeterName && instrument.Name.StartsWith("outbox.replication.slot", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            string? schema = null;
            string? status = null;
            foreach (var tag in tags)
            {
                schema = tag.Key == OutboxTelemetry.SchemaTag ? tag.Value as string : schema;
                status = tag.Key == SlotInstrumentation.WalStatusTag ? tag.Value as string : status;
            }

            if (schema == outbox.Schema)
            {
                seen[instrument.Name + (status is null ? "" : "=" + status)] = value!;
            }
        }

        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(sample.Slot.LagBytes, seen[SlotInstrumentation.LagBytesGauge]);
        Assert.Equal(sample.Slot.RetainedWalBytes, seen[SlotInstrumentation.RetainedWalGauge]);
        Assert.Equal(sample.LagSeconds, seen[SlotInstrumentation.LagSecondsGauge]);
        Assert.Equal(1, seen[SlotInstrumentation.WalStatusGauge + "=reserved"]);
    }
}
