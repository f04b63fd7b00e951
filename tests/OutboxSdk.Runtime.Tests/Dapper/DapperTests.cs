using System.Transactions;
using Dapper;
using EntityFrameworkCore.Tests;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;

namespace DapperUsage.Tests;

/// <summary>
/// Dapper (docs/dapper.md): publishing in the caller's NpgsqlTransaction next to Dapper's writes, a handler that
/// writes with Dapper on the delivery's connection and transaction, and TransactionScope refused with the fix.
/// The tables are <see cref="ShopDb"/>'s (orders, shipments), written here in plain SQL.
/// </summary>
[Collection(IntegrationsPostgresCollection.Name)]
public sealed class DapperTests(PostgresFixture postgres)
{
    private static async Task<(ShopOutbox Shop, DapperRecorder Recorder)> StartAsync(PostgresFixture postgres)
    {
        var recorder = new DapperRecorder();
        var shop = await ShopOutbox.StartAsync(postgres, AreaRegistrations.Dapper, services: s => s.AddSingleton(recorder));
        return (shop, recorder);
    }

    [Fact]
    public async Task Published_with_Dapper_writes_the_message_commits_or_rolls_back_with_them_and_the_handler_effect_is_once()
    {
        var (shop, recorder) = await StartAsync(postgres);
        await using var _ = shop;
        var committed = Guid.NewGuid();
        var rolledBack = Guid.NewGuid();
        recorder.Failing[committed.ToString()] = 1;
        foreach (var (id, commit) in new[] { (rolledBack, false), (committed, true) })
        {
            await using var connection = await shop.DataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync("INSERT INTO orders (id, customer) VALUES (@id, @customer)", new { id, customer = "c-1" }, tx);
            await shop.Outbox.PublishAsync(new DapperOrderPlaced(id, "c-1"), tx);
            if (commit)
            {
                await tx.CommitAsync();
            }
        }

        await recorder.WaitForAsync(r => r.Seen.Contains(committed.ToString()), "the committed order's message");
        Assert.Equal([committed.ToString()], recorder.Seen);
        Assert.Equal(2, recorder.Attempts[committed.ToString()]);
        Assert.Equal(1, await shop.ShipmentsAsync(committed)); // the failed attempt's shipment rolled back
        Assert.Equal(1, await shop.OrdersAsync());
        Assert.Equal(1, await shop.MessagesAsync("dapper.order-placed"));
    }

    [Fact]
    public async Task TransactionScope_is_refused_with_the_fix()
    {
        var (shop, _) = await StartAsync(postgres);
        await using var __ = shop;
        await using var connection = await shop.DataSource.OpenConnectionAsync();
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var tx = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync("INSERT INTO orders (id, customer) VALUES (@id, 'c-1')", new { id = Guid.NewGuid() }, tx);
            var error = await Assert.ThrowsAsync<NotSupportedException>(() => shop.Outbox.PublishAsync(new DapperOrderPlaced(Guid.NewGuid(), "c-1"), tx));
            Assert.Contains("TransactionScope", error.Message);
            Assert.Contains("BeginTransactionAsync", error.Message);
            var batch = await Assert.ThrowsAsync<NotSupportedException>(() => shop.Outbox.PublishBatchAsync([new DapperOrderPlaced(Guid.NewGuid(), "c-1")], tx));
            Assert.Contains("TransactionScope", batch.Message);
        }

        Assert.Equal(0, await shop.MessagesAsync("dapper.order-placed"));
    }
}
