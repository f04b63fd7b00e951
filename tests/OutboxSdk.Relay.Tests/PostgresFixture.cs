using OutboxSdk.Testing;

namespace Relay.Tests;

/// <summary>One PostgreSQL cluster for the whole assembly; each test works in its own schema (<see cref="TestOutbox"/>).</summary>
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
}
