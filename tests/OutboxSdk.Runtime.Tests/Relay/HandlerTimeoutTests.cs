using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Relay.Tests;

/// <summary>An entry whose handler, on its first attempt, blocks in a command on the delivery's connection.</summary>
[OutboxMessage("tests.slow-entry")]
public partial record SlowEntry([property: PartitionKey] string Key, int Seq, bool HonoursToken) : INotification;

public sealed class SlowEntryHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<SlowEntry>
{
    public async Task Handle(SlowEntry notification, CancellationToken cancellationToken)
    {
        var attempt = recorder.Attempts.AddOrUpdate($"slow:{notification.Key}/{notification.Seq}", 1, (_, n) => n + 1);
        var sleep = attempt == 1 && notification.Seq == 0 ? 8 : 0;
        await using (var command = new Npgsql.NpgsqlCommand($"SELECT pg_sleep({sleep})", context.Connection, context.Transaction))
        {
            // A handler that ignores its token keeps the connection busy past the relay's grace period.
            await command.ExecuteNonQueryAsync(notification.HonoursToken ? cancellationToken : CancellationToken.None);
        }

        recorder.Record(new OrderStep("slow:" + notification.Key, notification.Seq));
    }
}

/// <summary>
/// A handler that outlives HandlerTimeout inside a command on the delivery's connection: the attempt counts as
/// failed, the connection's transaction must still end (it holds the key's dequeued rows), and the key goes on.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HandlerTimeoutTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_handler_timing_out_in_a_context_command_is_retried_and_its_key_goes_on(bool honoursToken)
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => o.Retry.HandlerTimeout = TimeSpan.FromMilliseconds(500));

        await outbox.WriteAsync(Enumerable.Range(0, 3).Select(i => new SlowEntry("a", i, honoursToken)), e => e.Key);
        await outbox.WriteStepsAsync("other", 0, 1);

        // Without the fix the first delivery's session stayed idle in transaction with the rows locked: the key stopped for good.
        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId == "slow:a") == 3, 60);
        Assert.Equal([0, 1, 2], recorder.Seen.Where(s => s.OrderId == "slow:a").Select(s => s.Seq));
        Assert.Equal(2, recorder.Attempts["slow:a/0"]);
        await recorder.WaitUntilAsync(r => r.Seen.Any(s => s.OrderId == "other"), 60); // another key, so in no particular order with key a

        // No delivery session is left holding a transaction open.
        await recorder.WaitUntilAsync(
            async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND datname = current_database()") == 0, 30);
    }
}
