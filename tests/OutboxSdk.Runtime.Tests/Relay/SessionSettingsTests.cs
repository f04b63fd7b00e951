using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Relay.Tests;

/// <summary>A message whose handler reads a session setting on the delivery's connection.</summary>
[OutboxMessage("tests.settings-probe")]
public partial record SettingsProbe([property: PartitionKey] string Key, int Seq) : INotification;

public sealed class SettingsProbeHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<SettingsProbe>
{
    public async Task Handle(SettingsProbe notification, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("SHOW plan_cache_mode", context.Connection, context.Transaction);
        var mode = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        recorder.Record(new OrderStep("plan_cache_mode=" + mode, notification.Seq));
    }
}

/// <summary>
/// The relay dequeues under a forced generic plan (a custom plan of that statement cost more than the delivery), but
/// only that statement: a handler working on the delivery's connection sees the session as the server configured it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SessionSettingsTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_context_handler_sees_the_servers_plan_cache_mode_not_the_relays()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync();

        // Several keys at once, so deliveries run as groups too.
        await outbox.WriteAsync(Enumerable.Range(0, 6).Select(i => new SettingsProbe("k" + (i % 3), i)), e => e.Key);

        await recorder.WaitUntilAsync(r => r.Seen.Count == 6, 60);
        Assert.All(recorder.Seen, step => Assert.Equal("plan_cache_mode=auto", step.OrderId));
    }
}
