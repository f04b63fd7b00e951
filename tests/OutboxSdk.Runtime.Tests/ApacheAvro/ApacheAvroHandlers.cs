using ApacheAvro.Tests.Shop;
using MediatR;
using Npgsql;
using OutboxSdk;
using OutboxSdk.ApacheAvro;

namespace ApacheAvro.Tests;

public sealed class ApacheAvroRecorder : Recorder<string>
{
    /// <summary>The records handled, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<OrderPlaced> Records { get; } = new();
}

/// <summary>
/// Ships the order on the delivery's connection and transaction (exactly once through <see cref="IOutboxContext"/>), then
/// fails as the recorder says.
/// </summary>
public sealed class ShipAvroOrder(IOutboxContext delivery, ApacheAvroRecorder recorder) : INotificationHandler<AvroRecord<OrderPlaced>>
{
    public async Task Handle(AvroRecord<OrderPlaced> notification, CancellationToken cancellationToken)
    {
        var order = notification.Record;
        await using (var insert = new NpgsqlCommand("INSERT INTO avro_shipments (order_id) VALUES (@id)", delivery.Connection, delivery.Transaction))
        {
            insert.Parameters.AddWithValue("id", order.OrderId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var attempt = recorder.Attempts.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(order.OrderId, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"order {order.OrderId} fails (attempt {attempt}) after its shipment");
        }

        recorder.Records.Enqueue(order);
        recorder.Record(order.OrderId);
    }
}
