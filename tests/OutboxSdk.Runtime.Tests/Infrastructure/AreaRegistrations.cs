using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Generated;
using OutboxSdk.Registration;
using OutboxSdk.TestSupport;

namespace OutboxSdk.Runtime.Tests.Infrastructure;

/// <summary>
/// Each area's share of this assembly's generated registration (<see cref="AreaRegistration"/>): a relay started by
/// the Replication tests subscribes to their [ChangeFeed] entity only, not to the change-feed or hardening tests'.
/// The <c>Add…OutboxTypes()</c> extensions keep the names the areas' own assemblies generated.
/// </summary>
public static class AreaRegistrations
{
    private static IOutboxGeneratedRegistration Assembly => OutboxSdkRuntimeTestsOutboxRegistration.Instance;

    /// <summary>Core/ and EndToEnd/.</summary>
    public static AreaRegistration Runtime { get; } = AreaRegistration.Of(Assembly, "OutboxSdk.Runtime.Tests");

    public static AreaRegistration Relay { get; } = AreaRegistration.Of(Assembly, "Relay.Tests");

    public static AreaRegistration Replication { get; } = AreaRegistration.Of(Assembly, "Replication.Tests");

    public static AreaRegistration ChangeFeed { get; } = AreaRegistration.Of(Assembly, "OutboxSdk.ChangeFeed.Tests", "ChangeFeedTests");

    public static AreaRegistration Operations { get; } = AreaRegistration.Of(Assembly, "Operations.Tests");

    /// <summary>The delivery contract suite, run once per mode.</summary>
    public static AreaRegistration Contract { get; } = AreaRegistration.Of(Assembly, "Contract.Tests");

    /// <summary>EntityFrameworkCore/: publishing from a DbContext, handlers enlisted through EF Core.</summary>
    public static AreaRegistration EntityFrameworkCore { get; } = AreaRegistration.Of(Assembly, "EntityFrameworkCore.Tests");

    /// <summary>Dapper/: publishing and handlers with Dapper.</summary>
    public static AreaRegistration Dapper { get; } = AreaRegistration.Of(Assembly, "DapperUsage.Tests");

    /// <summary>ApacheAvro/: the optional OutboxSdk.ApacheAvro package's handlers of AvroRecord&lt;T&gt;.</summary>
    public static AreaRegistration ApacheAvro { get; } = AreaRegistration.Of(Assembly, "ApacheAvro.Tests");

    /// <summary>Topology/: shared clusters, partial processes, server versions; with its [ChangeFeed] entity only where asked.</summary>
    public static AreaRegistration Topology { get; } = AreaRegistration.Of(Assembly, "Topology.Tests");

    public static AreaRegistration TopologyWithEntities { get; } = AreaRegistration.Of(Assembly, "Topology.Tests", "TopologyEntities.Tests");

    public static AreaRegistration Hardening { get; } = AreaRegistration.Of(Assembly, "Hardening.Tests", "Hardening.Evolution.V2");

    public static IServiceCollection AddOutboxSdkRelayTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(Relay);

    public static IServiceCollection AddOutboxSdkReplicationTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(Replication);

    public static IServiceCollection AddOutboxSdkChangeFeedTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(ChangeFeed);

    public static IServiceCollection AddOutboxSdkOperationsTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(Operations);

    public static IServiceCollection AddOutboxSdkHardeningTestsOutboxTypes(this IServiceCollection services) => services.AddOutboxTypes(Hardening);
}
