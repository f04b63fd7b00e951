using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;

namespace EntityFrameworkCore.Tests;

/// <summary>
/// Publishing from a <see cref="DbContext"/>: the message commits with the entities — in the caller's transaction, in
/// SaveChanges' own, and once per committed unit under a retrying execution strategy — and bad input is refused with the fix.
/// </summary>
[Collection(IntegrationsPostgresCollection.Name)]
public sealed class PublishingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task In_an_explicit_transaction_the_message_commits_or_rolls_back_with_the_entities()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var committed = Guid.NewGuid();
        var rolledBack = Guid.NewGuid();
        foreach (var (id, commit) in new[] { (rolledBack, false), (committed, true) })
        {
            await using var db = shop.NewDb(outbox: false); // an explicit transaction needs no interceptor
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Orders.Add(new Order { Id = id, Customer = "c-1" });
            await shop.Outbox.PublishAsync(new OrderPlaced(id, "c-1"), db);
            await db.SaveChangesAsync();
            if (commit)
            {
                await tx.CommitAsync();
            }
        }

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(committed.ToString()), "the committed order's message");
        Assert.Equal([committed.ToString()], shop.Recorder.Seen);
        Assert.Equal(1, await shop.OrdersAsync());
        Assert.Equal(1, await shop.MessagesAsync());
    }

    [Fact]
    public async Task Without_a_transaction_SaveChanges_writes_the_message_in_its_own()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var id = Guid.NewGuid();
        using (var scope = shop.Host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>(); // AddDbContext + AddOutboxEntityFrameworkCore
            db.Orders.Add(new Order { Id = id, Customer = "c-1" });
            await shop.Outbox.PublishAsync(new OrderPlaced(id, "c-1"), db);
            Assert.Equal(0, await shop.MessagesAsync()); // waits for SaveChanges
            await db.SaveChangesAsync();
            Assert.Equal(AutoTransactionBehavior.WhenNeeded, db.Database.AutoTransactionBehavior); // restored
            await db.SaveChangesAsync(); // the message went with the first save, not again
        }

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(id.ToString()), "the order's message");
        Assert.Equal(1, await shop.OrdersAsync());
        Assert.Equal(1, await shop.MessagesAsync());
    }

    [Fact]
    public async Task A_SaveChanges_with_only_messages_commits_them_and_a_failed_one_commits_nothing()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var existing = Guid.NewGuid();
        await using (var db = shop.NewDb())
        {
            await shop.Outbox.PublishAsync(new OrderPlaced(existing, "c-1"), db);
            Assert.Equal(0, await db.SaveChangesAsync());
            db.Orders.Add(new Order { Id = existing, Customer = "c-1" });
            await db.SaveChangesAsync();
        }

        await using (var db = shop.NewDb())
        {
            db.Orders.Add(new Order { Id = existing, Customer = "c-1" }); // a duplicate key: the save fails
            await shop.Outbox.PublishBatchAsync([new OrderPlaced(Guid.NewGuid(), "c-1"), new OrderPlaced(Guid.NewGuid(), "c-1")], db);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            await db.SaveChangesAsync(); // the failed unit's messages are gone with it
        }

        Assert.Equal(1, await shop.MessagesAsync());
        Assert.Equal(1, await shop.OrdersAsync());
    }

    [Fact]
    public async Task Under_a_retrying_strategy_a_retried_unit_publishes_once()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        await shop.FailFirstInsertAsync("flaky");

        // SaveChanges' own transaction: EF Core retries the save, and the messages are written again in the new transaction.
        var implicitId = Guid.NewGuid();
        await using (var db = shop.NewDb(o => o.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(20), ["40001"])))
        {
            db.Orders.Add(new Order { Id = implicitId, Customer = "flaky" });
            await shop.Outbox.PublishAsync(new OrderPlaced(implicitId, "flaky"), db);
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await shop.MessagesAsync());
        await shop.ExecuteAsync("SELECT setval('fail_once', 1, false)"); // the next insert of 'flaky' fails again

        // An explicit transaction: the whole unit runs in strategy.ExecuteAsync, which runs it again after the failure.
        var explicitId = Guid.NewGuid();
        var attempts = 0;
        await using (var db = shop.NewDb(o => o.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(20), ["40001"])))
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                attempts++;
                db.ChangeTracker.Clear(); // the unit starts from scratch on each attempt
                await using var tx = await db.Database.BeginTransactionAsync();
                db.Orders.Add(new Order { Id = explicitId, Customer = "flaky" });
                await shop.Outbox.PublishAsync(new OrderPlaced(explicitId, "flaky"), db);
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            });
        }

        Assert.Equal(2, attempts);
        Assert.Equal(2, await shop.MessagesAsync());
        Assert.Equal(2, await shop.OrdersAsync());
        await shop.Recorder.WaitForAsync(r => r.Seen.Count == 2, "both orders' messages");
        Assert.Equal(new[] { implicitId, explicitId }.Select(i => i.ToString()).Order(), shop.Recorder.Seen.Order());
    }

    [Fact]
    public async Task A_pooled_context_does_not_carry_messages_into_its_next_lease()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var services = new ServiceCollection()
            .AddDbContextPool<ShopDb>(o => o.UseNpgsql(shop.DataSource))
            .AddOutboxEntityFrameworkCore<ShopDb>();
        await using var provider = services.BuildServiceProvider();
        ShopDb first;
        await using (var scope = provider.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<ShopDb>();
            await shop.Outbox.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c-1"), first); // never saved
        }

        var id = Guid.NewGuid();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            Assert.Same(first, db);
            db.Orders.Add(new Order { Id = id, Customer = "c-1" });
            await shop.Outbox.PublishAsync(new OrderPlaced(id, "c-1"), db);
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await shop.MessagesAsync());
        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(id.ToString()), "the second lease's message");
        Assert.Equal([id.ToString()], shop.Recorder.Seen);
    }

    [Fact]
    public async Task A_synchronous_SaveChanges_writes_the_message_in_its_transaction()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var id = Guid.NewGuid();
        await using (var db = shop.NewDb())
        {
            db.Orders.Add(new Order { Id = id, Customer = "c-1" });
            await shop.Outbox.PublishAsync(new OrderPlaced(id, "c-1"), db);
            db.SaveChanges();
        }

        Assert.Equal(1, await shop.MessagesAsync());
        Assert.Equal(1, await shop.OrdersAsync());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_fix()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        var message = new OrderPlaced(Guid.NewGuid(), "c-1");

        await using (var db = shop.NewDb(outbox: false))
        {
            var noTransaction = await Assert.ThrowsAsync<InvalidOperationException>(() => shop.Outbox.PublishAsync(message, db));
            Assert.Contains("BeginTransactionAsync", noTransaction.Message);
            Assert.Contains("AddOutboxEntityFrameworkCore<ShopDb>", noTransaction.Message);
        }

        await using (var other = new OtherProviderDb())
        {
            var provider = await Assert.ThrowsAsync<InvalidOperationException>(() => shop.Outbox.PublishAsync(message, other));
            Assert.Contains("UseNpgsql", provider.Message);
        }

        await using (var db = shop.NewDb())
        {
            using var scope = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled);
            var ambient = await Assert.ThrowsAsync<NotSupportedException>(() => shop.Outbox.PublishAsync(message, db));
            Assert.Contains("TransactionScope", ambient.Message);
            Assert.Contains("BeginTransactionAsync", ambient.Message);
        }

        Assert.Equal(0, await shop.MessagesAsync());
    }

    /// <summary>A context that is not on Npgsql (here: on no provider at all).</summary>
    private sealed class OtherProviderDb : DbContext;
}
