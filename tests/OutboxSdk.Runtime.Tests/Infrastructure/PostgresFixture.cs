using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.Runtime.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster for the whole assembly: every test that touches the database is in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// Starts one <see cref="LocalPostgres"/> for the run. Tests isolate themselves by schema: each takes its own
/// <see cref="NewSchemaName"/> for the outbox tables (and derives slot, publication and channel names from it).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The connection string of the <c>postgres</c> database.</summary>
    public string ConnectionString => Postgres.ConnectionString;

    public async Task InitializeAsync() => _postgres = await LocalPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A schema name no other test uses (lower case, so it needs no quoting in hand-written SQL).</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A new data source of the <c>postgres</c> database; the caller disposes it.</summary>
    public NpgsqlDataSource CreateDataSource() => Postgres.CreateDataSource();
}
