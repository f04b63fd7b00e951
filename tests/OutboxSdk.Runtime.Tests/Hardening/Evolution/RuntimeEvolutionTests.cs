using Hardening.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.DeadLetters;
using OutboxSdk.Generated;
using OutboxSdk.SchemaRegistry;
using OutboxSdk;
using V1 = Hardening.Evolution.V1;
using V2 = Hardening.Evolution.V2;

namespace Hardening.Tests.Evolution;

/// <summary>
/// An application deployed as version 1, upgraded to version 2 while version 1's messages wait in the outbox:
/// startup registers and checks the new schema, and the relay resolves the old messages into the new type.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class RuntimeEvolutionTests(SecuredPostgresFixture fixture) : IAsyncLifetime
{
    private const string Subject = "hardening.customer-registered";
    private readonly NpgsqlDataSource _dataSource = fixture.CreateDataSource();
    private readonly string _schema = PostgresFixture.NewName();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await fixture.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task Messages_written_by_version_1_are_delivered_to_version_2_resolved_by_their_writer_schema()
    {
        // Version 1 runs with its relay and delivers its first messages.
        var v1 = await StartV1Async(runRelay: true);
        await Publisher.PublishAsync(v1, _dataSource, V1Message("a", 0, V1.Tier.Bronze), V1Message("b", 0, V1.Tier.Silver));
        var v1Seen = v1.Services.GetRequiredService<Recorder>();
        await v1Seen.WaitForAsync(r => r.Seen.Count == 2, "version 1 delivering its first messages");
        await HardeningHost.StopAsync(v1);

        // Its last messages are written while no relay runs: they wait, as they would across a rolling deploy.
        var v1Publisher = await StartV1Async(runRelay: false);
        await Publisher.PublishAsync(v1Publisher, _dataSource,
            V1Message("a", 1, V1.Tier.Silver), V1Message("b", 1, V1.Tier.Bronze), V1Message("a", 2, V1.Tier.Bronze));
        await HardeningHost.StopAsync(v1Publisher);
        Assert.Equal(3L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".pending"));

        // Version 2 starts: its schema is checked against version 1 and registered as version 2.
        var v2 = await StartV2Async();
        Assert.Equal(
            [(1, AvroSerializer.FingerprintOf<V1.CustomerRegistered>()), (2, AvroSerializer.FingerprintOf<V2.CustomerRegistered>())],
            await VersionsAsync());
        await Publisher.PublishAsync(v2, _dataSource,
            new V2.CustomerRegistered("a", 3, "+33 6 00 00 00 03", V2.Tier.Gold, "friend"),
            new V2.CustomerRegistered("b", 2, "+33 6 00 00 00 12", V2.Tier.Silver, null));

        var seen = v2.Services.GetRequiredService<Recorder>();
        await seen.WaitForAsync(r => r.Seen.Count == 5, "version 2 delivering the waiting and the new messages");
        var delivered = seen.Seen.Cast<V2.CustomerRegistered>().ToList();
        Assert.Equal(
            [
                new V2.CustomerRegistered("a", 1, "+33 6 00 00 00 01", V2.Tier.Silver, null),
                new V2.CustomerRegistered("a", 2, "+33 6 00 00 00 02", V2.Tier.Bronze, null),
                new V2.CustomerRegistered("a", 3, "+33 6 00 00 00 03", V2.Tier.Gold, "friend"),
            ],
            delivered.Where(m => m.CustomerId == "a"));
        Assert.Equal(
            [
                new V2.CustomerRegistered("b", 1, "+33 6 00 00 00 11", V2.Tier.Bronze, null),
                new V2.CustomerRegistered("b", 2, "+33 6 00 00 00 12", V2.Tier.Silver, null),
            ],
            delivered.Where(m => m.CustomerId == "b"));
        Assert.Empty(await v2.Services.GetRequiredService<IDeadLetters>().ListAsync());
        await HardeningHost.StopAsync(v2);
    }

    [Fact]
    public async Task A_version_2_that_cannot_read_version_1_refuses_to_start_naming_subject_field_and_rule()
    {
        await HardeningHost.StopAsync(await StartV1Async(runRelay: false));

        var e = await Assert.ThrowsAsync<OutboxSchemaCompatibilityException>(() => HardeningHost.StartAsync(_schema, BreakingTypes, o => o.DataSource = _dataSource));

        Assert.Contains(Subject, e.Message, StringComparison.Ordinal);
        Assert.Contains("field 'Country'", e.Message, StringComparison.Ordinal);
        Assert.Contains("has no default", e.Message, StringComparison.Ordinal);
        Assert.Contains("version 1 of 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("FULL_TRANSITIVE", e.Message, StringComparison.Ordinal); // the default level
        Assert.Equal([Subject], e.Subjects);
        Assert.Equal([(1, AvroSerializer.FingerprintOf<V1.CustomerRegistered>())], await VersionsAsync()); // nothing registered
    }

    [Fact]
    public async Task The_level_is_configurable_and_none_accepts_the_breaking_version()
    {
        await HardeningHost.StopAsync(await StartV1Async(runRelay: false));

        // FORWARD: version 1 must read what the new version writes; the new Gold has no reader default in version 1.
        var forward = await Assert.ThrowsAsync<OutboxSchemaCompatibilityException>(() => HardeningHost.StartAsync(_schema, V2Types, o =>
        {
            o.DataSource = _dataSource;
            o.SchemaCompatibility = CompatibilityLevel.Forward;
        }));
        Assert.Contains("version 1 of 1 cannot read data written with the new schema", forward.Message, StringComparison.Ordinal);
        Assert.Contains("'Gold'", forward.Message, StringComparison.Ordinal);
        Assert.Contains("FORWARD", forward.Message, StringComparison.Ordinal);

        var host = await HardeningHost.StartAsync(_schema, BreakingTypes, o =>
        {
            o.DataSource = _dataSource;
            o.RunRelay = false;
            o.SchemaCompatibility = CompatibilityLevel.None;
        });
        await HardeningHost.StopAsync(host);
        Assert.Equal(2, (await VersionsAsync()).Count);
    }

    [Fact]
    public async Task Restarting_a_version_already_registered_starts_without_a_new_version()
    {
        await HardeningHost.StopAsync(await StartV1Async(runRelay: false));
        await HardeningHost.StopAsync(await StartV2Async());

        // A rollback to version 1, registered before, is accepted as the registry accepts a known schema; messages
        // version 2 wrote that version 1 cannot read wait for a relay that can (RollingDeployTests), never lost.
        await HardeningHost.StopAsync(await StartV1Async(runRelay: false));

        Assert.Equal(2, (await VersionsAsync()).Count);
    }

    private static V1.CustomerRegistered V1Message(string customer, int seq, V1.Tier tier) =>
        new(customer, seq, $"+33 6 00 00 00 {(customer == "a" ? 0 : 1)}{seq}", "+33 1 00 00 00 00", tier);

    private Task<IHost> StartV1Async(bool runRelay) => HardeningHost.StartAsync(_schema, services =>
    {
        services.AddOutboxSdkHardeningV1OutboxTypes();
        services.AddTransient<INotificationHandler<V1.CustomerRegistered>, V2.CustomerRegisteredV1Handler>();
    }, o =>
    {
        o.DataSource = _dataSource;
        o.RunRelay = runRelay;
    });

    // Version 2 reads version 1 (BACKWARD) but not the other way round, which the default level (FULL_TRANSITIVE) refuses.
    private Task<IHost> StartV2Async() => HardeningHost.StartAsync(_schema, V2Types, o =>
    {
        o.DataSource = _dataSource;
        o.SchemaCompatibility = CompatibilityLevel.Backward;
    });

    private static void V2Types(IServiceCollection services) => services.AddOutboxSdkHardeningTestsOutboxTypes();

    private static void BreakingTypes(IServiceCollection services) => services.AddOutboxSdkHardeningBreakingOutboxTypes();

    private async Task<List<(int Version, long Fingerprint)>> VersionsAsync()
    {
        await using var command = _dataSource.CreateCommand($"SELECT version, fingerprint FROM \"{_schema}\".schemas WHERE subject = $1 ORDER BY version");
        command.Parameters.Add(new() { Value = Subject });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
