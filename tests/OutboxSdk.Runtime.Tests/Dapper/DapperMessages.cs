using Dapper;
using MediatR;
using OutboxSdk;
using OutboxSdk.TestSupport;

namespace DapperUsage.Tests;

[OutboxMessage("dapper.order-placed")]
public partial record DapperOrderPlaced(Guid OrderId, [property: PartitionKey] string Customer) : INotification;

public sealed class DapperRecorder : Recorder<string>;

/// <summary>Ships the order with Dapper on the delivery's connection and transaction, then fails as the recorder says.</summary>
public sealed class DapperShipOrder(IOutboxContext delivery, DapperRecorder recorder) : INotificationHandler<DapperOrderPlaced>
{
    public async Task Handle(DapperOrderPlaced notification, CancellationToken cancellationToken)
    {
        await delivery.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO shipments (order_id) VALUES (@OrderId)", new { notification.OrderId }, delivery.Transaction, cancellationToken: cancellationToken));

        var item = notification.OrderId.ToString();
        var attempt = recorder.Attempts.AddOrUpdate(item, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(item, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"order {item} fails (attempt {attempt}) after its shipment");
        }

        recorder.Record(item);
    }
}
