using Npgsql;
using OutboxSdk.Testing;

namespace Hardening.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster for the whole assembly; each test works in its own schema (and roles).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// Starts one <see cref="LocalPostgres"/> whose TCP connections need a password (SCRAM) for every role but the
/// superuser <c>postgres</c>, which keeps trust: the roles the security tests create authenticate for real.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    public string ConnectionString => Postgres.ConnectionString;

    public async Task InitializeAsync()
    {
        _postgres = await LocalPostgres.StartAsync();
        var hba = Path.Combine(_postgres.Folder, "data", "pg_hba.conf");
        await File.WriteAllTextAsync(hba, """
            # written by the hardening tests: the superuser keeps trust, every other role needs its password
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all all 127.0.0.1/32 scram-sha-256

            """);
        await ExecuteAsync("SELECT pg_reload_conf()");
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A schema (or role) name no other test uses.</summary>
    public static string NewName(string prefix = "h_") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A data source of the <c>postgres</c> database as the superuser.</summary>
    public NpgsqlDataSource CreateDataSource() => Postgres.CreateDataSource();

    /// <summary>A connection string as <paramref name="role"/> with <paramref name="password"/>.</summary>
    public string ConnectionStringAs(string role, string password) => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Username = role,
        Password = password,
    }.ConnectionString;

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A scalar as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
