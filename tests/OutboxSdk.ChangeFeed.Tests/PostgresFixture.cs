using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>One PostgreSQL cluster for the whole assembly: every database test is in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    public async Task InitializeAsync() => _postgres = await LocalPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A fresh schema that is first on the search_path of every connection the scope opens; dropped on dispose.</summary>
    public async Task<SchemaScope> NewSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..12];
        var scope = new SchemaScope(Postgres, schema);
        await scope.ExecuteAsync($"CREATE SCHEMA \"{schema}\"");
        return scope;
    }
}

public sealed class SchemaScope(LocalPostgres postgres, string schema) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
    {
        SearchPath = schema,
    }.ConnectionString);

    public string Schema { get; } = schema;

    /// <summary>The server's connection string (no search_path), e.g. for a replication connection.</summary>
    public string ConnectionString => postgres.ConnectionString;

    public NpgsqlDataSource DataSource => _dataSource;

    public async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await _dataSource.DisposeAsync();
    }
}
