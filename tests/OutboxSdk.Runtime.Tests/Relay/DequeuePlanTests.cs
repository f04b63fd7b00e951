using Npgsql;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Relay.Tests;

/// <summary>
/// The dequeue runs under a generic plan, made once per connection with the statistics of that moment. A plan made
/// while the queue looked small must still probe the queue's primary key when a backlog has built up since: a
/// sequential scan there costs every dequeue the whole queue, so a relay catching up on a backlog slows down the
/// more there is to catch up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DequeuePlanTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_dequeue_planned_against_a_small_queue_does_not_scan_a_large_one()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var sql = new RelaySql(outbox.Schema, outbox.Channel);
        await outbox.ExecuteAsync("BEGIN;\n" + sql.Setup + "\nCOMMIT;"); // the queue as migration 2 makes it
        var pending = $"\"{outbox.Schema}\".pending";
        await outbox.ExecuteAsync($"ALTER TABLE {pending} SET (autovacuum_enabled = false)"); // no ANALYZE to replan behind the test's back

        await using var connection = await outbox.DataSource.OpenConnectionAsync();
        await Execute(connection, "SET plan_cache_mode = force_generic_plan");
        await Execute(connection, $"PREPARE dequeue(bigint[]) AS {sql.LockRun}");
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Execute(connection, "EXECUTE dequeue(ARRAY[1]::bigint[])"); // the generic plan is made now, for a small queue
            await transaction.RollbackAsync();
        }

        await outbox.ExecuteAsync($"INSERT INTO {pending} (id, created_at, partition_key) SELECT i, now(), 'k' || (i % 16) FROM generate_series(1, 50000) i");

        string plan;
        await using (var transaction = await connection.BeginTransactionAsync())
        await using (var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) EXECUTE dequeue(ARRAY[40000, 40001]::bigint[])", connection, transaction))
        {
            plan = (string)(await explain.ExecuteScalarAsync())!;
            await transaction.RollbackAsync();
        }

        Assert.DoesNotContain("\"Seq Scan\"", plan, StringComparison.Ordinal);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
