using OutboxSdk.Testing;

namespace Replication.Tests;

/// <summary>
/// One PostgreSQL cluster for the whole assembly; each test has its own schema, and so its own slot and publication
/// (<see cref="ReplicationOutbox"/>). logical_decoding_work_mem is at its minimum, 64kB, so that any transaction
/// beyond it is streamed in progress (protocol v2) and the streamed path is exercised.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    public async Task InitializeAsync()
    {
        var options = new LocalPostgresOptions();
        options.Settings["logical_decoding_work_mem"] = "64kB";
        _postgres = await LocalPostgres.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
