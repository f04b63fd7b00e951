using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;
using OutboxSdk.Observability;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.Sources.Wal;
using OutboxSdk.TestSupport;

namespace Topology.Tests;

/// <summary>
/// Several databases of one cluster, each with an outbox in Replication mode: slots are objects of the cluster, so
/// their default names hold the database; an existing deployment keeps the slot name it had.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedClusterTests(PostgresFixture fixture)
{
    private async Task<string> NewDatabaseAsync()
    {
        var name = PostgresFixture.NewName("db_");
        await fixture.Postgres.CreateDatabaseAsync(name);
        return name;
    }

    private Task DropDatabaseAsync(string name) => fixture.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    [Fact]
    public async Task Two_databases_with_the_same_outbox_schema_each_run_their_relay_with_default_names()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        var schema = PostgresFixture.NewName("tp_");
        try
        {
            await using (var first = new TopologyOutbox(fixture.Postgres, a, schema))
            await using (var second = new TopologyOutbox(fixture.Postgres, b, schema))
            {
                var (hostA, seenA) = await first.StartAsync();
                var (hostB, seenB) = await second.StartAsync(); // failed before: "not a pgoutput slot … (plugin pgoutput)"

                await first.PublishAsync(hostA, "a", 0, 2);
                await second.PublishAsync(hostB, "b", 0, 3);
                await seenA.WaitUntilAsync(r => r.Seen.Count >= 2);
                await seenB.WaitUntilAsync(r => r.Seen.Count >= 3);

                Assert.Equal(["a/0", "a/1"], seenA.Seen);
                Assert.Equal(["b/0", "b/1", "b/2"], seenB.Seen);
                Assert.NotEqual(first.Slot, second.Slot);
                Assert.Equal(a, await first.SlotDatabaseAsync(first.Slot));
                Assert.Equal(b, await first.SlotDatabaseAsync(second.Slot));
                Assert.Equal(first.Slot, hostA.Services.GetRequiredService<ReplicationState>().Slot);
                // A publication is an object of its database: the same default name in both is no collision.
                Assert.Equal(1L, await first.ScalarAsync<long>($"SELECT count(*) FROM pg_publication WHERE pubname = 'outbox_{schema}'"));
                Assert.Equal(1L, await second.ScalarAsync<long>($"SELECT count(*) FROM pg_publication WHERE pubname = 'outbox_{schema}'"));
            }
        }
        finally
        {
            await DropDatabaseAsync(a);
            await DropDatabaseAsync(b);
        }
    }

    [Fact]
    public async Task A_slot_name_taken_by_another_database_is_reported_as_that_database_s()
    {
        var (a, b) = (await NewDatabaseAsync(), await NewDatabaseAsync());
        var slot = PostgresFixture.NewName("tp_shared_");
        try
        {
            await using (var first = new TopologyOutbox(fixture.Postgres, a))
            await using (var second = new TopologyOutbox(fixture.Postgres, b))
            {
                var (relayA, _) = await first.StartAsync(configure: o => o.Replication.SlotName = slot);

                var e = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(configure: o => o.Replication.SlotName = slot));

                Assert.Contains($"The replication slot '{slot}' exists but belongs to database '{a}', not to '{b}'", e.Message, StringComparison.Ordinal);
                Assert.Contains("Set OutboxOptions.Replication.SlotName to a name of its own", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("plugin", e.Message, StringComparison.Ordinal);
                await first.StopAsync(relayA);
                await first.DropSlotAsync(slot);
            }
        }
        finally
        {
            await DropDatabaseAsync(a);
            await DropDatabaseAsync(b);
        }
    }

    [Fact]
    public async Task An_outbox_on_the_slot_name_of_earlier_versions_keeps_it_and_loses_nothing_published_while_it_upgraded()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);
        var legacy = ReplicationNames.LegacySlot(outbox.Schema);
        // The earlier version: its default slot name was outbox_<schema>.
        var (old, oldSeen) = await outbox.StartAsync(configure: o => o.Replication.SlotName = legacy);
        await outbox.PublishAsync(old, "k", 0, 1);
        await oldSeen.WaitUntilAsync(r => r.Seen.Count >= 1);
        await oldSeen.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM replication_positions WHERE commit_lsn > '0/0'") > 0); // durable
        await outbox.StopAsync(old);
        var (publisher, _) = await outbox.StartAsync(runRelay: false);
        await outbox.PublishAsync(publisher, "k", 1, 2); // while no relay runs: owed by the old slot

        var (upgraded, seen) = await outbox.StartAsync(); // default names
        await seen.WaitUntilAsync(r => r.Seen.Count >= 2);

        Assert.Equal(["k/1", "k/2"], seen.Seen);
        Assert.Equal(legacy, upgraded.Services.GetRequiredService<ReplicationState>().Slot);
        Assert.Null(await outbox.SlotDatabaseAsync(outbox.Slot)); // no second slot holding WAL
        Assert.Contains(outbox.Logs.Entries, e => e.Id == 5200 && e.Text.Contains($"OutboxOptions.Replication.SlotName = \"{legacy}\"", StringComparison.Ordinal));
        var status = await OutboxStatus.ReadAsync(outbox.DataSource, outbox.Schema);
        Assert.Equal(legacy, status.Replication!.Slot);
    }

    [Theory]
    [InlineData("test_decoding", true, "shop", "decodes with the plugin 'test_decoding', not pgoutput")]
    [InlineData("(physical)", false, null, "is a physical slot (a standby's), not a logical slot of database 'shop'")]
    public void A_slot_of_this_name_that_cannot_be_the_outbox_s_says_what_it_is(string plugin, bool sameDatabase, string? slotDatabase, string expected)
    {
        var error = ReplicationSetup.SlotConflict("s", plugin, sameDatabase, slotDatabase, "shop");

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("SlotName", error, StringComparison.Ordinal);
        Assert.Null(ReplicationSetup.SlotConflict("s", "pgoutput", true, "shop", "shop"));
    }
}
