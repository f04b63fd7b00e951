using OutboxSdk.TestSupport;

namespace OutboxSdk.Runtime.Tests.Infrastructure;

/// <summary>
/// One xunit collection per settings profile of <see cref="PostgresFixture"/>, so one cluster per profile for the
/// whole assembly; every test that touches the database is in one of them. The tests of a collection run one after
/// another; the collections run side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>The Replication relay's tests: transactions beyond 64kB are streamed (<see cref="StreamingPostgresFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class StreamingPostgresCollection : ICollectionFixture<StreamingPostgresFixture>
{
    public const string Name = "postgres-streaming";
}

/// <summary>The security tests: passwords and TLS (<see cref="SecuredPostgresFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SecuredPostgresCollection : ICollectionFixture<SecuredPostgresFixture>
{
    public const string Name = "postgres-secured";
}

/// <summary>The lost-slot tests (<see cref="SmallWalFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SmallWalCollection : ICollectionFixture<SmallWalFixture>
{
    public const string Name = "small-wal";
}

/// <summary>The lost-slot gap narrowed by commit timestamps (<see cref="SmallWalTrackedFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SmallWalTrackedCollection : ICollectionFixture<SmallWalTrackedFixture>
{
    public const string Name = "small-wal-tracked";
}

/// <summary>The delivery contract suite: its own cluster, so it runs beside the other areas (plain settings).</summary>
[CollectionDefinition(Name)]
public sealed class ContractPostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres-contract";
}

/// <summary>The integrations (EntityFrameworkCore/, Dapper/): their own cluster, plain settings.</summary>
[CollectionDefinition(Name)]
public sealed class IntegrationsPostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres-integrations";
}
