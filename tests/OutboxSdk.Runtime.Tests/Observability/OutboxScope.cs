using Npgsql;
using OutboxSdk.Schema;

namespace OutboxSdk.Observability.Tests;

/// <summary>The observability tests' outbox: the tables and the relay's queue in a schema of their own.</summary>
public static class OutboxScopes
{
    /// <summary>A fresh outbox (tables applied) in its own schema, dropped on dispose.</summary>
    public static async Task<OutboxScope> NewOutboxAsync(this PostgresFixture fixture, string suffix = "")
    {
        var scope = new OutboxScope(fixture.DataSource, "t_" + Guid.NewGuid().ToString("N")[..10] + suffix);
        await scope.ExecuteAsync(OutboxSchema.CreateSql(scope.Schema));
        // The relay's queue and trigger: what is delivered is what has left the queue.
        await scope.ExecuteInTransactionAsync(new OutboxSdk.Sources.Notify.RelaySql(scope.Schema, "outbox_" + scope.Schema).Setup);
        return scope;
    }
}

public sealed class OutboxScope(NpgsqlDataSource dataSource, string schema) : IAsyncDisposable
{
    public string Schema { get; } = schema;

    public string Q { get; } = OutboxSchema.QuoteIdentifier(schema);

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> in one explicit transaction (the relay's setup takes table locks).</summary>
    public async Task ExecuteInTransactionAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Inserts a message created at <paramref name="createdAt"/> and returns its id.</summary>
    public async Task<long> InsertMessageAsync(DateTimeOffset createdAt, string subject = "shop.order-placed")
    {
        await using var command = DataSource.CreateCommand($"""
            INSERT INTO {Q}."messages" ("message_id", "subject", "schema_fingerprint", "payload", "created_at")
            VALUES (gen_random_uuid(), $1, 1, '\x00', $2) RETURNING "id"
            """);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(createdAt);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Marks every message up to <paramref name="id"/> delivered, as the relay does: it leaves the queue.</summary>
    public Task MarkDeliveredThroughAsync(long id) => ExecuteAsync($"""DELETE FROM {Q}."pending" WHERE "id" <= {id}""");

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA IF EXISTS {Q} CASCADE");
}
