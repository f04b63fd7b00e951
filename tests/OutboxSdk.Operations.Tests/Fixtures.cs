using OutboxSdk.Testing;

namespace Operations.Tests;

/// <summary>One cluster for the gauge, health and CLI tests; each test has its own schema, slot and publication.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// A cluster with max_slot_wal_keep_size = 1MB, where a slot whose consumer is away is invalidated after a few
/// megabytes of WAL: the lost-slot tests. Its own collection, so no other test's inactive slot lives there.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SmallWalCollection : ICollectionFixture<SmallWalFixture>
{
    public const string Name = "small-wal";
}

/// <summary>As <see cref="SmallWalCollection"/>, with <c>track_commit_timestamp = on</c>: the lost-slot gap narrowed by commit timestamps.</summary>
[CollectionDefinition(Name)]
public sealed class SmallWalTrackedCollection : ICollectionFixture<SmallWalTrackedFixture>
{
    public const string Name = "small-wal-tracked";
}

public class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    protected virtual void Configure(LocalPostgresOptions options)
    {
    }

    public async Task InitializeAsync()
    {
        var options = new LocalPostgresOptions();
        Configure(options);
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

public sealed class SmallWalFixture : PostgresFixture
{
    protected override void Configure(LocalPostgresOptions options) => options.Settings["max_slot_wal_keep_size"] = "1MB";
}

public sealed class SmallWalTrackedFixture : PostgresFixture
{
    protected override void Configure(LocalPostgresOptions options)
    {
        options.Settings["max_slot_wal_keep_size"] = "1MB";
        options.Settings["track_commit_timestamp"] = "on";
    }
}
