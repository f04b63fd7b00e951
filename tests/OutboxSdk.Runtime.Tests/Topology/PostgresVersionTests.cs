using OutboxSdk;
using OutboxSdk.Hosting;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.TestSupport;

namespace Topology.Tests;

/// <summary>The supported server versions and the SQL chosen per version; the 15 path (the one installed here) for real.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresVersionTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(120017, "12.17")]
    [InlineData(130020, "13.20")]
    public void A_server_below_14_is_refused_saying_what_is_needed(int num, string version)
    {
        foreach (var mode in new[] { RelayMode.Notify, RelayMode.Replication })
        {
            var problem = PostgresVersions.Problem(num, version, mode);
            Assert.NotNull(problem);
            Assert.StartsWith($"PostgreSQL {version} is older than the outbox supports: it needs PostgreSQL 14 or newer", problem, StringComparison.Ordinal);
            Assert.Contains("Upgrade the server", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(140000)]
    [InlineData(150004)]
    [InlineData(170002)]
    [InlineData(180001)]
    [InlineData(190000)]
    public void Servers_from_14_on_are_accepted(int num) => Assert.Null(PostgresVersions.Problem(num, "x", RelayMode.Replication));

    [Theory]
    [InlineData(140010, true, false)]
    [InlineData(150004, true, false)]
    [InlineData(160004, true, false)]
    [InlineData(170000, true, true)]
    [InlineData(180001, true, true)]
    [InlineData(170002, false, false)]
    public void A_failover_slot_is_asked_for_from_17_on_when_wanted(int num, bool wanted, bool failover)
    {
        var (sql, asked) = PostgresVersions.CreateSlotSql(num, wanted);

        Assert.Equal(failover, asked);
        Assert.Equal(failover
            ? "SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput', false, false, true)"
            : "SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')", sql);
    }

    [Fact]
    public async Task On_15_a_relay_creates_its_slot_and_says_failover_slots_need_17()
    {
        Assert.Equal(15, await fixture.ScalarAsync<int>("SELECT current_setting('server_version_num')::int / 10000"));
        await using var outbox = new TopologyOutbox(fixture.Postgres);

        var (relay, seen) = await outbox.StartAsync();
        await outbox.PublishAsync(relay, "k", 0, 1);
        await seen.WaitUntilAsync(r => r.Seen.Count >= 1);

        Assert.Equal("postgres", await outbox.SlotDatabaseAsync(outbox.Slot));
        Assert.True(outbox.Logs.Entries.Any(e => e.Id == 5202 && e.Text.EndsWith("failover slots need 17+", StringComparison.Ordinal)),
            string.Join("\n", outbox.Logs.Entries.Select(e => e.Id + " " + e.Text)));
        Assert.Contains(outbox.Logs.Entries, e => e.Id == 5201 && e.Text.StartsWith("PostgreSQL server 15", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_failover_slots_turned_off_nothing_is_said_about_them()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);

        await outbox.StartAsync(configure: o => o.Replication.FailoverSlot = false);

        Assert.DoesNotContain(outbox.Logs.Entries, e => e.Id == 5202);
    }
}
