using Microsoft.EntityFrameworkCore;
using OutboxSdk;

namespace EntityFrameworkCore.Tests;

/// <summary>A handler that writes through a DbContext enlisted in the delivery: its effect commits exactly once.</summary>
[Collection(IntegrationsPostgresCollection.Name)]
public sealed class HandlerTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_EF_handler_that_fails_leaves_no_effect_and_its_retry_commits_one()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore, o => o.Retry.MaxAttempts = 3);
        var retried = Guid.NewGuid();
        var poisoned = Guid.NewGuid();
        shop.Recorder.Failing[retried.ToString()] = 2;
        shop.Recorder.Failing[poisoned.ToString()] = int.MaxValue;

        await using (var db = shop.NewDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await shop.Outbox.PublishAsync(new OrderPlaced(poisoned, "c-1"), db);
            await shop.Outbox.PublishAsync(new OrderPlaced(retried, "c-2"), db);
            await tx.CommitAsync();
        }

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(retried.ToString()), "the retried order");
        var deadLetters = shop.Host.Services.GetService(typeof(IDeadLetters)) as IDeadLetters;
        await Recorder<string>.WaitUntilAsync(async () => (await deadLetters!.ListAsync()).Count == 1, "the poisoned order's dead letter");

        Assert.Equal(3, shop.Recorder.Attempts[retried.ToString()]);
        Assert.Equal(1, await shop.ShipmentsAsync(retried));   // the two failed attempts' shipments rolled back
        Assert.Equal(3, shop.Recorder.Attempts[poisoned.ToString()]);
        Assert.Equal(0, await shop.ShipmentsAsync(poisoned));  // every attempt failed: no effect at all
    }

    [Fact]
    public async Task A_handler_context_that_retries_on_failure_is_refused_with_the_fix()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        await using var db = shop.NewDb(o => o.EnableRetryOnFailure());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new FakeDelivery().EnlistAsync(db));
        Assert.Contains("NonRetryingExecutionStrategy", error.Message);
    }

    /// <summary>Why <see cref="OutboxContextDbContextExtensions.EnlistAsync{TContext}"/> refuses a retrying context: EF Core itself would, at SaveChanges.</summary>
    [Fact]
    public async Task EF_Core_refuses_a_retrying_strategy_in_a_transaction_it_did_not_begin()
    {
        await using var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.EntityFrameworkCore);
        await using var connection = await shop.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var db = shop.NewDb(o => o.EnableRetryOnFailure());
        db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction);
        db.Shipments.Add(new Shipment { OrderId = Guid.NewGuid() });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Contains("does not support user-initiated transactions", error.Message);
    }

    private sealed class FakeDelivery : IOutboxContext
    {
        public Guid MessageId => Guid.Empty;

        public string Subject => "";

        public string? PartitionKey => null;

        public int Attempt => 1;

        public Npgsql.NpgsqlConnection Connection => throw new InvalidOperationException("not reached");

        public Npgsql.NpgsqlTransaction Transaction => throw new InvalidOperationException("not reached");
    }
}
