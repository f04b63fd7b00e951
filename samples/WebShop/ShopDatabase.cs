using Npgsql;

namespace WebShop;

/// <summary>The shop's own tables (the outbox creates its own, in its schema, at startup).</summary>
internal static class ShopDatabase
{
    public static async Task CreateTablesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE SCHEMA IF NOT EXISTS shop;
            CREATE TABLE IF NOT EXISTS shop.orders (id uuid PRIMARY KEY, customer_id text NOT NULL, total numeric(12, 2) NOT NULL, placed_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS shop.confirmations (order_id uuid PRIMARY KEY REFERENCES shop.orders (id), confirmed_at timestamptz NOT NULL);
            """);
        await command.ExecuteNonQueryAsync();
    }
}
