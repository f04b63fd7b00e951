using Hardening.Tests.Infrastructure;
using Hardening.Tests.Security;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.DeadLetters;
using OutboxSdk.Generated;
using OutboxSdk.Sources.Wal;
using OutboxSdk;
using V1 = Hardening.Evolution.V1;
using V2 = Hardening.Evolution.V2;

namespace Hardening.Tests.Evolution;

/// <summary>
/// A rolling deploy of an application that publishes and relays, where version 2 of a message is one version 1 cannot
/// read (registered under BACKWARD: a renamed field and a new enum symbol). A version 1 relay that meets a version 2
/// message does not dead-letter it: the message waits (its key in Notify mode, the stream in Replication mode), the
/// health check says why, and the relay steps down so that a version 2 relay standing by takes over and delivers it once.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class RollingDeployTests(SecuredPostgresFixture fixture) : IAsyncLifetime
{
    private readonly string _schema = PostgresFixture.NewName();
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        // The assembly's [ChangeFeed] entity needs its table in Replication mode; unqualified, on the search path.
        _dataSource = NpgsqlDataSource.Create(ReplicationScenario.WithSearchPath(fixture.ConnectionString, _schema));
        await ReplicationScenario.CreateAccountsAsync(_dataSource, _schema);
    }

    public async Task DisposeAsync()
    {
        var slot = ReplicationNames.DefaultSlot(_schema, new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database ?? "postgres");
        await Recorder.WaitUntilAsync(async () => await fixture.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}' AND active") == 0, "the slot let go");
        await fixture.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'");
        await fixture.ExecuteAsync($"DROP PUBLICATION IF EXISTS \"{ReplicationNames.DefaultPublication(_schema)}\"");
        await fixture.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await _dataSource.DisposeAsync();
    }

    [Theory]
    [InlineData(RelayMode.Notify)]
    [InlineData(RelayMode.Replication)]
    public async Task An_old_relay_waits_on_a_message_it_cannot_read_and_a_new_relay_takes_over_and_delivers_it_once(RelayMode mode)
    {
        var v1 = await StartV1Async(mode);
        IHost? v2 = null;
        try
        {
            // Version 2 publishes (a publisher-only process of the new deploy): key "a" gets a message version 1 cannot read.
            var v2Publisher = await StartV2Async(mode, runRelay: false);
            await Publisher.PublishAsync(v2Publisher, _dataSource, new V2.CustomerRegistered("a", 1, "+33 6 00 00 00 01", V2.Tier.Gold, "friend"));
            await HardeningHost.StopAsync(v2Publisher);

            // Meanwhile version 1 goes on publishing, on another key.
            await Publisher.PublishAsync(v1, _dataSource, V1Message("b", 1));
            var v1Seen = v1.Services.GetRequiredService<Recorder>();
            if (mode == RelayMode.Notify)
            {
                // Only the unreadable message's key waits: the others flow.
                await v1Seen.WaitForAsync(r => r.Seen.Count == 1, "version 1 delivering key b while key a waits");
                Assert.Equal(0, await fixture.ScalarAsync<int>($"SELECT attempts FROM \"{_schema}\".pending")); // waiting consumes no attempt
            }

            var health = await WaitForHealthAsync(v1, HealthStatus.Degraded);
            Assert.Contains("'hardening.customer-registered'", health.Description, StringComparison.Ordinal);
            Assert.Contains("version 2", health.Description, StringComparison.Ordinal);
            Assert.Contains("waiting for a relay that can read it (a newer deploy)", health.Description, StringComparison.Ordinal);
            Assert.Empty(await v1.Services.GetRequiredService<IDeadLetters>().ListAsync());
            Assert.DoesNotContain(v1Seen.Seen, m => m is V1.CustomerRegistered { CustomerId: "a" });

            // A version 2 relay starts and stands by; version 1 steps down and version 2 delivers what version 1 could not.
            v2 = await StartV2Async(mode, runRelay: true);
            var v2Seen = v2.Services.GetRequiredService<Recorder>();
            var expectedByV2 = mode == RelayMode.Notify ? 1 : 2; // in Replication mode the stream waited, key b too
            await v2Seen.WaitForAsync(r => r.Seen.Count == expectedByV2, "version 2 taking over and delivering the waiting message(s)");
            await Task.Delay(TimeSpan.FromSeconds(1)); // a duplicate would show up by now

            Assert.Single(v2Seen.Seen, m => m is V2.CustomerRegistered { CustomerId: "a", Seq: 1, Tier: V2.Tier.Gold });
            Assert.Equal(expectedByV2, v2Seen.Seen.Count);
            Assert.DoesNotContain(v1Seen.Seen, m => m is V1.CustomerRegistered { CustomerId: "a" });
            Assert.Equal(1, v1Seen.Seen.Count + v2Seen.Seen.Count - 1); // key b exactly once, whoever delivered it
            Assert.Empty(await v2.Services.GetRequiredService<IDeadLetters>().ListAsync());
        }
        finally
        {
            await HardeningHost.StopAsync(v1);
            if (v2 is not null)
            {
                await HardeningHost.StopAsync(v2);
            }
        }
    }

    [Fact]
    public async Task A_message_no_relay_could_read_within_the_timeout_is_dead_lettered_with_what_to_do_and_replays_on_the_new_version()
    {
        var v1 = await StartV1Async(RelayMode.Notify, o => o.Retry.UnreadableSchemaTimeout = TimeSpan.FromSeconds(3));
        var v2Publisher = await StartV2Async(RelayMode.Notify, runRelay: false);
        await Publisher.PublishAsync(v2Publisher, _dataSource, new V2.CustomerRegistered("a", 1, "+33 6 00 00 00 01", V2.Tier.Gold, null));
        await HardeningHost.StopAsync(v2Publisher);

        var deadLetters = v1.Services.GetRequiredService<IDeadLetters>();
        await Recorder.WaitUntilAsync(async () => (await deadLetters.ListAsync()).Count == 1, "the dead letter after the timeout");
        await HardeningHost.StopAsync(v1);
        var letter = Assert.Single(await deadLetters.ListAsync());
        Assert.Contains("cannot read", letter.Error, StringComparison.Ordinal);
        Assert.Contains("UnreadableSchemaTimeout", letter.Error, StringComparison.Ordinal);
        Assert.Contains("replay", letter.Error, StringComparison.Ordinal);
        Assert.Equal(1, letter.Attempts);

        var v2 = await StartV2Async(RelayMode.Notify, runRelay: true);
        try
        {
            Assert.True(await v2.Services.GetRequiredService<IDeadLetters>().ReplayAsync(letter.Id));
            await v2.Services.GetRequiredService<Recorder>().WaitForAsync(r => r.Seen.Count == 1, "the replayed message on version 2");
        }
        finally
        {
            await HardeningHost.StopAsync(v2);
        }
    }

    [Fact]
    public async Task By_default_a_version_that_breaks_either_direction_refuses_to_start()
    {
        await HardeningHost.StopAsync(await StartV1Async(RelayMode.Notify, o => o.RunRelay = false));

        // Version 2 reads version 1 (BACKWARD) but version 1 cannot read version 2: refused by default.
        var forward = await Assert.ThrowsAsync<OutboxSdk.SchemaRegistry.OutboxSchemaCompatibilityException>(() =>
            HardeningHost.StartAsync(_schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o => o.DataSource = _dataSource));
        Assert.Contains("version 1 of 1 cannot read data written with the new schema", forward.Message, StringComparison.Ordinal);
        Assert.Contains("FULL_TRANSITIVE", forward.Message, StringComparison.Ordinal);

        // The breaking version cannot read version 1: refused too.
        var backward = await Assert.ThrowsAsync<OutboxSdk.SchemaRegistry.OutboxSchemaCompatibilityException>(() =>
            HardeningHost.StartAsync(_schema, s => s.AddOutboxSdkHardeningBreakingOutboxTypes(), o => o.DataSource = _dataSource));
        Assert.Contains("the new schema cannot read data written with version 1 of 1", backward.Message, StringComparison.Ordinal);
    }

    private static V1.CustomerRegistered V1Message(string customer, int seq) =>
        new(customer, seq, "+33 6 00 00 00 0" + seq, "+33 1 00 00 00 00", V1.Tier.Bronze);

    private Task<IHost> StartV1Async(RelayMode mode, Action<OutboxOptions>? configure = null) => HardeningHost.StartAsync(_schema, services =>
    {
        services.AddOutboxSdkHardeningV1OutboxTypes();
        services.AddTransient<INotificationHandler<V1.CustomerRegistered>, V2.CustomerRegisteredV1Handler>();
    }, o =>
    {
        Configure(o, mode);
        configure?.Invoke(o);
    });

    private Task<IHost> StartV2Async(RelayMode mode, bool runRelay) => HardeningHost.StartAsync(_schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
    {
        Configure(o, mode);
        o.RunRelay = runRelay;
        o.SchemaCompatibility = CompatibilityLevel.Backward; // the change this test is about: readable one way only
    });

    private void Configure(OutboxOptions o, RelayMode mode)
    {
        o.DataSource = _dataSource;
        o.Retry.UnreadableSchemaStepDownAfter = TimeSpan.FromSeconds(2);
        if (mode == RelayMode.Replication)
        {
            ReplicationScenario.Replication(o);
        }
    }

    private static async Task<HealthReportEntry> WaitForHealthAsync(IHost host, HealthStatus status)
    {
        HealthReportEntry entry = default;
        await Recorder.WaitUntilAsync(async () =>
        {
            entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["outbox"];
            return entry.Status == status && entry.Description?.Contains("waiting for a relay", StringComparison.Ordinal) == true;
        }, "the outbox health check turning " + status);
        return entry;
    }
}
