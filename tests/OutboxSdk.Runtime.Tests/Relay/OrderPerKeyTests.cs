using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk;

namespace Relay.Tests;

/// <summary>
/// Order per key in Notify mode, exactly: a key's messages are delivered in publish order (their ids). For writers of
/// a key that overlap — A publishes, B publishes and commits, then A commits — that is A, B, which is not commit order;
/// <see cref="OutboxOptions.SerializeWritersPerKey"/> makes B wait for A, so publish order is commit order, live or
/// catching up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderPerKeyTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Without_serialized_writers_overlapping_writers_of_a_key_are_delivered_in_publish_order_not_commit_order()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (publisher, _) = await outbox.StartRelayAsync(o => o.RunRelay = false);
        var writes = publisher.Services.GetRequiredService<IOutbox>();

        await using var a = await BeginAsync(outbox);
        await writes.PublishAsync(new OrderStep("k", 1), a.Transaction); // published first
        await using (var b = await BeginAsync(outbox))
        {
            await writes.PublishAsync(new OrderStep("k", 2), b.Transaction); // not blocked
            await b.Transaction.CommitAsync();                               // committed first
        }

        await a.Transaction.CommitAsync();
        var (_, recorder) = await outbox.StartRelayAsync();

        await recorder.WaitUntilAsync(r => r.Seen.Count == 2, 30);
        Assert.Equal([1, 2], recorder.Seen.Select(s => s.Seq)); // publish order; commit order was 2, 1
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_serialized_writers_a_second_writer_of_the_key_waits_for_the_first_so_delivery_is_commit_order(bool live)
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (host, relayed) = await outbox.StartRelayAsync(o => (o.SerializeWritersPerKey, o.RunRelay) = (true, live));
        var writes = host.Services.GetRequiredService<IOutbox>();

        await using var a = await BeginAsync(outbox);
        await writes.PublishAsync(new OrderStep("k", 1), a.Transaction);
        await using var b = await BeginAsync(outbox);
        var second = Task.Run(async () =>
        {
            await writes.PublishAsync(new OrderStep("k", 2), b.Transaction); // waits for A's turn to end
            await b.Transaction.CommitAsync();
        });
        await using (var other = await BeginAsync(outbox))
        {
            await writes.PublishAsync(new OrderStep("other", 1), other.Transaction); // other keys do not wait
            await other.Transaction.CommitAsync();
        }

        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the second writer of the key went ahead of the first");
        await a.Transaction.CommitAsync();
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        var recorder = live ? relayed : (await outbox.StartRelayAsync()).Recorder;
        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId == "k") == 2, 30);
        Assert.Equal([1, 2], recorder.Seen.Where(s => s.OrderId == "k").Select(s => s.Seq));
    }

    [Fact]
    public async Task A_batch_takes_the_turn_of_every_key_it_writes()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (host, _) = await outbox.StartRelayAsync(o => (o.SerializeWritersPerKey, o.RunRelay) = (true, false));
        var writes = host.Services.GetRequiredService<IOutbox>();

        await using var batch = await BeginAsync(outbox);
        await writes.PublishBatchAsync([new OrderStep("x", 1), new OrderStep("y", 1), new OrderStep("x", 2)], batch.Transaction);
        await using var single = await BeginAsync(outbox);
        var waiting = writes.PublishAsync(new OrderStep("y", 2), single.Transaction);

        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "a writer of key y went ahead of the open batch that wrote y");
        await batch.Transaction.CommitAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await single.Transaction.CommitAsync();
    }

    private sealed record Open(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private static async Task<Open> BeginAsync(TestOutbox outbox)
    {
        var connection = await outbox.DataSource.OpenConnectionAsync();
        return new Open(connection, await connection.BeginTransactionAsync());
    }
}
