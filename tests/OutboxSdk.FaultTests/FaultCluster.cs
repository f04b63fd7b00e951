using OutboxSdk.Testing;

namespace OutboxSdk.FaultTests;

/// <summary>One Postgres for the suite (scenarios run one after another, each in its own schema); restarted by some.</summary>
[CollectionDefinition(Name)]
public sealed class FaultClusterCollection : ICollectionFixture<FaultCluster>
{
    public const string Name = "fault-cluster";
}

public sealed class FaultCluster : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fault cluster has not started");

    public async Task InitializeAsync()
    {
        var options = new LocalPostgresOptions();
        options.Settings["max_connections"] = "300"; // three relays with their pools, the publisher, the suite

        // A commit must survive the immediate shutdown that stands in for a crash: with LocalPostgres's default
        // synchronous_commit=off, the last acknowledged commits are lost with the WAL buffers, after the Notify relay may
        // already have delivered them (a delivery of a message the database then forgot). fsync may stay off: a
        // Postgres crash leaves the operating system's cache intact.
        options.Settings["synchronous_commit"] = "on";
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
