using Npgsql;
using OutboxSdk;

namespace WebShop;

/// <summary>The body of <c>POST /orders</c>.</summary>
public sealed record PlaceOrder(string CustomerId, decimal Total);

/// <summary>An order as <c>GET /orders/{id}</c> shows it; <c>ConfirmedAt</c> is set once the handler ran.</summary>
public sealed record OrderView(Guid Id, string CustomerId, decimal Total, DateTimeOffset PlacedAt, DateTimeOffset? ConfirmedAt);

internal static class OrderEndpoints
{
    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", PlaceAsync);
        app.MapGet("/orders/{id:guid}", GetAsync);
    }

    private static async Task<IResult> PlaceAsync(PlaceOrder request, NpgsqlDataSource db, IOutbox outbox, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.CustomerId) || request.Total <= 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["order"] = ["customerId must be given and total must be positive"],
            });
        }

        using var activity = ShopTelemetry.Source.StartActivity("place order");
        var order = new OrderPlaced(Guid.NewGuid(), request.CustomerId, decimal.Round(request.Total, 2), DateTimeOffset.UtcNow);

        // One transaction: the order row and its message commit together, or neither exists.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("INSERT INTO shop.orders (id, customer_id, total, placed_at) VALUES ($1, $2, $3, $4)", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = order.OrderId });
            insert.Parameters.Add(new() { Value = order.CustomerId });
            insert.Parameters.Add(new() { Value = order.Total });
            insert.Parameters.Add(new() { Value = order.PlacedAt });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.PublishAsync(order, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Results.Created($"/orders/{order.OrderId}", new OrderView(order.OrderId, order.CustomerId, order.Total, order.PlacedAt, null));
    }

    private static async Task<IResult> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT o.customer_id, o.total, o.placed_at, c.confirmed_at
            FROM shop.orders o LEFT JOIN shop.confirmations c ON c.order_id = o.id
            WHERE o.id = $1
            """);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return Results.NotFound();
        }

        return Results.Ok(new OrderView(
            id,
            reader.GetString(0),
            reader.GetDecimal(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
    }
}
