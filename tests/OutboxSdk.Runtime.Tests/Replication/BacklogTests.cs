using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Observability;

namespace Replication.Tests;

/// <summary>In Replication mode the backlog (health, gauges) is what was written after the last processed commit.</summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class BacklogTests(StreamingPostgresFixture fixture)
{
    [Fact]
    public async Task Messages_held_up_by_a_retrying_handler_are_backlog_until_delivered()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync(o => o.Retry.MaxAttempts = 10_000);
        var probe = host.Services.GetRequiredService<IBacklogProbe>();
        async Task<long> BacklogAsync()
        {
            await using var connection = await outbox.DataSource.OpenConnectionAsync();
            return (await probe.MeasureAsync(connection, default)).Count;
        }

        await outbox.PublishStepsAsync("a", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 1);
        await recorder.WaitUntilAsync(async () => await BacklogAsync() == 0);

        recorder.Failing["b/0"] = int.MaxValue;
        await outbox.PublishStepsAsync("b", 0, 1);
        await outbox.PublishStepsAsync("b", 1, 1);
        await recorder.WaitUntilAsync(r => r.Attempts.GetValueOrDefault("b/0") >= 2);
        Assert.Equal(2, await BacklogAsync());

        recorder.Failing.Clear();
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 3);
        await recorder.WaitUntilAsync(async () => await BacklogAsync() == 0);
        await using var check = await outbox.DataSource.OpenConnectionAsync();
        Assert.False(await probe.HoldsUndeliveredAsync(check, $"\"{outbox.Schema}\".\"messages_default\"", default)); // the WAL carries them, not the table
    }
}
