using OutboxSdk;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.TestSupport;
using TopologyEntities.Tests;

namespace Topology.Tests;

/// <summary>
/// Processes that run part of the outbox: a publisher-only process touches no slot and needs no change-feed table; a
/// relay may leave entities out; a missing entity table is named with the fix.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PartialProcessTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_publisher_only_process_needs_no_change_feed_table_and_creates_no_slot_and_the_relay_delivers_what_it_published_first()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);

        // Before: the publisher set up the publication over topo_shop.orders and failed with 3F000.
        var (publisher, _) = await outbox.StartAsync(runRelay: false, entities: true);
        await outbox.PublishAsync(publisher, "early", 0, 2);

        Assert.Null(await outbox.SlotDatabaseAsync(outbox.Slot));
        Assert.Equal(0L, await outbox.ScalarAsync<long>($"SELECT count(*) FROM pg_publication WHERE pubname = 'outbox_{outbox.Schema}'"));
        Assert.Contains(outbox.Logs.Entries, e => e.Id == 5203 && e.Text.Contains("does not exist yet", StringComparison.Ordinal));

        var (_, seen) = await outbox.StartAsync(entities: true, configure: o => o.ChangeFeed.ExcludedEntities.Add(typeof(ShopOrder).FullName!));
        await seen.WaitUntilAsync(r => r.Seen.Count >= 2);
        await outbox.PublishAsync(publisher, "late", 0, 1);
        await seen.WaitUntilAsync(r => r.Seen.Count >= 3);

        Assert.Equal(["early/0", "early/1", "late/0"], seen.Seen);
        Assert.Equal(0L, await outbox.ScalarAsync<long>("SELECT count(*) FROM pending")); // delivered from the queue, dequeued
        Assert.Contains(outbox.Logs.Entries, e => e.Id == 5205);
        Assert.Contains(outbox.Logs.Entries, e => e.Id == 5204 && e.Text.Contains("topo_shop.orders", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_published_while_the_first_relay_sets_up_are_delivered_once_each()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);
        var (publisher, _) = await outbox.StartAsync(runRelay: false);
        using var stop = new CancellationTokenSource();
        var published = 0;
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await outbox.PublishAsync(publisher, "race", published, 1); // one transaction each, around the slot's creation
                published++;
            }
        });
        await Task.Delay(300);

        var (_, seen) = await outbox.StartAsync();
        await Task.Delay(300);
        await stop.CancelAsync();
        await publishing;
        await seen.WaitUntilAsync(r => r.Seen.Count >= published);
        await Task.Delay(500); // room for a duplicate to show

        Assert.Equal(Enumerable.Range(0, published).Select(i => $"race/{i}"), seen.Seen);
        Assert.Equal(0L, await outbox.ScalarAsync<long>("SELECT count(*) FROM pending"));
    }

    [Fact]
    public async Task A_relay_whose_entity_schema_is_missing_names_the_entity_the_schema_and_the_fix()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);
        await fixture.ExecuteAsync("DROP SCHEMA IF EXISTS topo_shop CASCADE");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.StartAsync(entities: true));

        Assert.Contains($"[ChangeFeed] entity {typeof(ShopOrder).FullName}: its schema \"topo_shop\" does not exist in database 'postgres'", e.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE SCHEMA, then the entity's generated CreateTableSql", e.Message, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.ChangeFeed.ExcludedEntities", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relay_whose_entity_table_is_missing_says_so_and_one_that_excludes_it_by_table_starts()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);
        await fixture.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS topo_shop");
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.StartAsync(entities: true));
            Assert.Contains("its table \"topo_shop\".\"orders\" does not exist in database 'postgres'", e.Message, StringComparison.Ordinal);

            var (relay, seen) = await outbox.StartAsync(entities: true, configure: o => o.ChangeFeed.ExcludedEntities.Add("topo_shop.orders"));
            await outbox.PublishAsync(relay, "k", 0, 1);
            await seen.WaitUntilAsync(r => r.Seen.Count >= 1);
        }
        finally
        {
            await fixture.ExecuteAsync("DROP SCHEMA IF EXISTS topo_shop CASCADE");
        }
    }

    [Fact]
    public async Task Excluding_an_entity_that_is_not_registered_fails_the_start_naming_the_registered_ones()
    {
        await using var outbox = new TopologyOutbox(fixture.Postgres);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.StartAsync(entities: true, configure: o => o.ChangeFeed.ExcludedEntities.Add("topo_shop.order")));

        Assert.Contains("ExcludedEntities names no registered [ChangeFeed] entity: 'topo_shop.order'", e.Message, StringComparison.Ordinal);
        Assert.Contains("topo_shop.orders (TopologyEntities.Tests.ShopOrder)", e.Message, StringComparison.Ordinal);
    }
}
