using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OutboxSdk;

namespace Topology.Tests;

/// <summary>
/// PgBouncer in transaction-pooling mode, a real one in front of the test cluster: the application publishes (and the
/// host migrates) through it, in both relay modes, with the relay on a direct connection of its own
/// (<see cref="OutboxOptions.RelayConnectionString"/>); a relay pointed at the pooler itself stops at once and says what
/// to configure, while publishing goes on.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgBouncerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Notify_mode_publishes_through_a_transaction_pooler_and_delivers_with_the_relay_on_its_own_connection()
    {
        await using var bouncer = await PgBouncer.StartAsync(fixture.Postgres);
        await using var outbox = await Relay.Tests.TestOutbox.CreateAsync(fixture.Postgres);
        await using var pooled = NpgsqlDataSource.Create(bouncer.ConnectionString(fixture.Postgres.ConnectionString));
        var (host, recorder) = await outbox.StartRelayAsync(o => (o.DataSource, o.RelayConnectionString) = (pooled, fixture.Postgres.ConnectionString));

        await PublishConcurrentlyAsync(host.Services.GetRequiredService<IOutbox>(), pooled, (key, seq) => new Relay.Tests.OrderStep(key, seq));

        await recorder.WaitUntilAsync(r => r.Seen.Count == Keys * PerKey);
        AssertInOrderPerKey(recorder.Seen.Select(s => (s.OrderId, s.Seq)));
    }

    [Fact]
    public async Task Replication_mode_publishes_through_a_transaction_pooler_and_delivers_with_the_relay_on_its_own_connection()
    {
        await using var bouncer = await PgBouncer.StartAsync(fixture.Postgres);
        await using var outbox = await Replication.Tests.ReplicationOutbox.CreateAsync(fixture.Postgres);
        await using var pooled = NpgsqlDataSource.Create(bouncer.ConnectionString(fixture.Postgres.ConnectionString));
        var (host, recorder) = await outbox.StartRelayAsync(o => (o.DataSource, o.RelayConnectionString) = (pooled, fixture.Postgres.ConnectionString));

        await PublishConcurrentlyAsync(host.Services.GetRequiredService<IOutbox>(), pooled, (key, seq) => new Replication.Tests.OrderStep(key, seq));

        await recorder.WaitUntilAsync(r => r.Seen.Count == Keys * PerKey);
        AssertInOrderPerKey(recorder.Seen.Select(s => (s.Split('/')[0], int.Parse(s.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task A_relay_pointed_at_a_transaction_pooler_stops_at_once_and_says_what_to_configure_while_publishing_goes_on()
    {
        await using var bouncer = await PgBouncer.StartAsync(fixture.Postgres);
        await using var outbox = await Relay.Tests.TestOutbox.CreateAsync(fixture.Postgres);
        await using var pooled = NpgsqlDataSource.Create(bouncer.ConnectionString(fixture.Postgres.ConnectionString));
        var (host, recorder) = await outbox.StartRelayAsync(o => o.DataSource = pooled);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReportEntry entry = default;
        await Relay.Tests.Recorder.WaitUntilAsync(async () => (entry = (await health.CheckHealthAsync()).Entries["outbox"]).Status == HealthStatus.Unhealthy, "the relay to stop", 30);
        Assert.Contains("transaction-mode pooler", entry.Description, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.RelayConnectionString", entry.Description, StringComparison.Ordinal);

        await PublishConcurrentlyAsync(host.Services.GetRequiredService<IOutbox>(), pooled, (key, seq) => new Relay.Tests.OrderStep(key, seq));
        Assert.Equal((long)Keys * PerKey, await outbox.ScalarAsync<long>("SELECT count(*) FROM messages"));
        Assert.Empty(recorder.Seen);
    }

    [Fact]
    public async Task A_replication_relay_pointed_at_a_transaction_pooler_does_not_set_up_there_and_stops_saying_what_to_configure()
    {
        await using var bouncer = await PgBouncer.StartAsync(fixture.Postgres);
        await using var outbox = await Replication.Tests.ReplicationOutbox.CreateAsync(fixture.Postgres);
        await using var pooled = NpgsqlDataSource.Create(bouncer.ConnectionString(fixture.Postgres.ConnectionString));
        var (host, _) = await outbox.StartRelayAsync(o => o.DataSource = pooled);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReportEntry entry = default;
        await Relay.Tests.Recorder.WaitUntilAsync(async () => (entry = (await health.CheckHealthAsync()).Entries["outbox"]).Status == HealthStatus.Unhealthy, "the relay to stop", 30);
        Assert.Contains("OutboxOptions.RelayConnectionString", entry.Description, StringComparison.Ordinal);
        Assert.Equal(0L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{outbox.Slot}'")); // no setup through the pooler
    }

    [Fact]
    public async Task A_relay_behind_a_session_mode_pool_runs_there_with_no_connection_of_its_own()
    {
        await using var bouncer = await PgBouncer.StartAsync(fixture.Postgres, poolMode: "session", poolSize: 20);
        await using var outbox = await Relay.Tests.TestOutbox.CreateAsync(fixture.Postgres);
        await using var pooled = NpgsqlDataSource.Create(bouncer.ConnectionString(fixture.Postgres.ConnectionString));
        var (host, recorder) = await outbox.StartRelayAsync(o => o.DataSource = pooled);

        await PublishConcurrentlyAsync(host.Services.GetRequiredService<IOutbox>(), pooled, (key, seq) => new Relay.Tests.OrderStep(key, seq));

        await recorder.WaitUntilAsync(r => r.Seen.Count == Keys * PerKey);
        AssertInOrderPerKey(recorder.Seen.Select(s => (s.OrderId, s.Seq)));
    }

    private const int Keys = 4;
    private const int PerKey = 10;

    /// <summary>Writers of several keys at once, each message in its own transaction on a pooled connection, so transactions of different clients share server sessions.</summary>
    private static Task PublishConcurrentlyAsync<T>(IOutbox outbox, NpgsqlDataSource pooled, Func<string, int, T> message)
        where T : OutboxSdk.Avro.Serialization.IAvroSerializable<T> =>
        Task.WhenAll(Enumerable.Range(0, Keys).Select(async k =>
        {
            for (var seq = 0; seq < PerKey; seq++)
            {
                await using var connection = await pooled.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await outbox.PublishAsync(message("key" + k, seq), transaction);
                await transaction.CommitAsync();
            }
        }));

    private static void AssertInOrderPerKey(IEnumerable<(string Key, int Seq)> seen)
    {
        foreach (var key in seen.GroupBy(s => s.Key))
        {
            Assert.Equal(Enumerable.Range(0, PerKey), key.Select(s => s.Seq));
        }
    }
}
