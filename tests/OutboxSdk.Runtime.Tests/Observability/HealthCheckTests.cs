using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk;

namespace OutboxSdk.Observability.Tests;

[Collection(PostgresCollection.Name)]
public sealed class HealthCheckTests(PostgresFixture fixture)
{
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);

    private (OutboxHealthCheck Check, RelayLiveness Heartbeat, BacklogMonitor Monitor) Create(
        NpgsqlDataSource dataSource, string schema, bool runRelay = true)
    {
        var outbox = new OutboxOptions { Schema = schema, RunRelay = runRelay, PollInterval = TimeSpan.FromSeconds(1) };
        var heartbeat = new RelayLiveness(_time);
        var monitor = new BacklogMonitor(() => dataSource, new PendingBacklogProbe(schema), schema, _time);
        var check = new OutboxHealthCheck(monitor, heartbeat, Options.Create(outbox), Options.Create(new OutboxHealthOptions()),
            _time, NullLogger<OutboxHealthCheck>.Instance);
        return (check, heartbeat, monitor);
    }

    private static Task<HealthCheckResult> CheckAsync(OutboxHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("outbox", check, null, null) });

    [Fact]
    public async Task Healthy_when_the_relay_beats_and_the_backlog_is_young()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var (check, heartbeat, monitor) = Create(fixture.DataSource, outbox.Schema);
        using var disposeMonitor = monitor;
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow.AddSeconds(-5));
        heartbeat.Beat();

        var result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1L, result.Data["backlog"]);
    }

    [Fact]
    public async Task Degraded_when_the_oldest_undelivered_message_is_older_than_the_threshold_and_healthy_once_delivered()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var (check, heartbeat, monitor) = Create(fixture.DataSource, outbox.Schema);
        using var disposeMonitor = monitor;
        var old = await outbox.InsertMessageAsync(DateTimeOffset.UtcNow.AddMinutes(-5));
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow);
        heartbeat.Beat();

        var result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(2L, result.Data["backlog"]);
        Assert.True((double)result.Data["backlogAgeSeconds"] >= 299);

        await outbox.MarkDeliveredThroughAsync(old);
        result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1L, result.Data["backlog"]);
    }

    [Fact]
    public async Task Unhealthy_when_the_relay_stops_beating_for_three_poll_intervals_unless_this_process_runs_no_relay()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var (check, heartbeat, monitor) = Create(fixture.DataSource, outbox.Schema);
        using var disposeMonitor = monitor;

        // A starting relay has the grace of three intervals from the heartbeat's creation.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(check)).Status);

        heartbeat.Beat();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        _time.Advance(TimeSpan.FromSeconds(3.5));
        var result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("relay", result.Description, StringComparison.Ordinal);

        var (publisherOnly, _, publisherMonitor) = Create(fixture.DataSource, outbox.Schema, runRelay: false);
        using var disposePublisherMonitor = publisherMonitor;
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(publisherOnly)).Status);
    }

    [Fact]
    public async Task Unhealthy_when_the_database_is_unreachable()
    {
        // Port 1 on loopback refuses at once: no server, no wait for a timeout.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=3");
        var (check, heartbeat, monitor) = Create(unreachable, "outbox");
        using var disposeMonitor = monitor;
        heartbeat.Beat();

        var result = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("The outbox database is unreachable", result.Description, StringComparison.Ordinal);
        Assert.IsType<NpgsqlException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task AddOutbox_registers_the_outbox_health_check_and_the_heartbeat_the_relay_beats()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddOutbox(o =>
        {
            o.DataSource = fixture.DataSource;
            o.Schema = outbox.Schema;
        });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IRelayHeartbeat>().Beat();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = Assert.Single(report.Entries);
        Assert.Equal("outbox", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(0L, entry.Value.Data["backlog"]);
    }

    [Fact]
    public async Task Backlog_gauges_report_the_last_measurement_tagged_with_the_schema()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var (_, _, monitor) = Create(fixture.DataSource, outbox.Schema);
        using var disposeMonitor = monitor;
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow.AddSeconds(-30));
        await outbox.InsertMessageAsync(DateTimeOffset.UtcNow);
        await monitor.MeasureAsync(CancellationToken.None);

        var seen = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OutboxTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == OutboxTelemetry.SchemaTag && Equals(tag.Value, outbox.Schema))
                {
                    seen[instrument.Name] = value;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(2, seen[OutboxTelemetry.BacklogGauge]);
        Assert.InRange(seen[OutboxTelemetry.BacklogAgeGauge], 29, 120);
    }
}
