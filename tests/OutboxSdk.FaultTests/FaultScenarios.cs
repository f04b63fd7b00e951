using System.Globalization;
using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.FaultTests;

/// <summary>How often the publisher asks for each handler misbehaviour (<c>Behaviours</c> in the node).</summary>
internal sealed record HandlerMix(double Poison, double Flaky, double Hang, double SlowContextWrite = 0);

/// <summary>What a fault can reach: the server, the relay processes, the proxy between them, an admin connection.</summary>
internal sealed record FaultTargets(LocalPostgres Postgres, RelayFleet Fleet, TcpProxy? Proxy, NpgsqlDataSource Admin, string Schema, IReadOnlyList<TcpProxy> RelayProxies);

/// <summary>
/// A scenario: how many relay instances, whether they reach Postgres through the proxy, the handler mix, and the
/// fault injected every <see cref="MinGapSeconds"/>–<see cref="MaxGapSeconds"/> while the publisher streams (none: only
/// the handlers misbehave). Every scenario runs in every relay mode (<see cref="RelayModes"/>).
/// </summary>
internal sealed record FaultScenario(
    string Name,
    int Relays,
    bool ThroughProxy,
    HandlerMix Mix,
    double MinGapSeconds,
    double MaxGapSeconds,
    Func<FaultTargets, Random, Task<InjectedFault>>? Inject)
{
    /// <summary>The open finding this scenario reproduces (run only with OUTBOX_FAULT_KNOWN_BUGS=1), or null.</summary>
    public string? Finding { get; init; }

    /// <summary>
    /// The relays' HandlerTimeout: long enough that an ordinary handler on a loaded machine stays well within it
    /// (a timeout in the middle of a context write would meet finding F1); hanging handlers hang for twice as long.
    /// </summary>
    public TimeSpan HandlerTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Each relay instance reaches Postgres through a proxy of its own (<see cref="FaultTargets.RelayProxies"/>), so one instance's path can fail alone.</summary>
    public bool ProxyPerRelay { get; init; }
}

internal static class FaultScenarios
{
    private static readonly HandlerMix Background = new(Poison: 0.005, Flaky: 0.03, Hang: 0);

    public static FaultScenario RelaySigkill { get; } = new("relay-sigkill", 1, false, Background, 0, 0.3, (t, r) => t.Fleet.KillRandomAsync(r, 2.0));

    public static FaultScenario PostgresRestartFast { get; } = new("postgres-restart-fast", 1, false, Background, 3, 4.5,
        (t, _) => RestartAsync(t, LocalPostgresShutdown.Fast));

    public static FaultScenario PostgresRestartImmediate { get; } = new("postgres-restart-immediate", 1, false, Background, 3, 4.5,
        (t, _) => RestartAsync(t, LocalPostgresShutdown.Immediate));

    public static FaultScenario TerminateBackends { get; } = new("terminate-backends", 1, false, Background, 1, 2, TerminateAsync);

    // Stalls (up to 4 s) may outlast HandlerTimeout in the middle of a context write: since F1's fix (aace6a1) the relay
    // ends such a session itself, so the default timeout applies here too.
    public static FaultScenario ProxyCutAndStall { get; } = new("proxy-cut-and-stall", 1, true, Background, 1.5, 3, CutOrStallAsync);

    public static FaultScenario TwoRelays { get; } = new("two-relays-sigkill", 2, false, Background, 0, 0.5, (t, r) => t.Fleet.KillRandomAsync(r, 2.0));

    public static FaultScenario ThreeRelays { get; } = new("three-relays-sigkill", 3, false, Background, 0, 0.5, (t, r) => t.Fleet.KillRandomAsync(r, 2.0));

    // The leader paused for 10 s (a frozen VM, a stopped process), or its network path blackholed for 10 s (packets
    // dropped, sockets left open): a standby must lead within LeaderTimeout (6 s) and its retry interval, with slack for
    // a loaded machine; then the old leader comes back as a zombie.
    public static FaultScenario PauseLeader { get; } = new("two-relays-pause-leader", 2, false, Background, 0.5, 1,
        (t, _) => t.Fleet.IsolateLeaderAsync(t.Admin, t.Schema, "SIGSTOP for 10 s", (_, process) => RelayFleet.PauseAsync(process, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(15)));

    public static FaultScenario BlackholeLeader { get; } = new("two-relays-blackhole-leader", 2, false, Background, 0.5, 1,
        (t, _) => t.Fleet.IsolateLeaderAsync(t.Admin, t.Schema, "blackhole the network path for 10 s of", (leader, _) => t.RelayProxies[leader - 1].StallAsync(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(15)))
    {
        ProxyPerRelay = true,
    };

    public static FaultScenario HandlerFaults { get; } = new("handler-faults", 1, false, new HandlerMix(Poison: 0.02, Flaky: 0.1, Hang: 0.01), 0, 0, null);

    /// <summary>Finding F1's reproduction (fixed in aace6a1, kept as a regression): handlers whose first write through IOutboxContext outlasts HandlerTimeout.</summary>
    public static FaultScenario HandlerTimeoutDuringContextWrite { get; } = new("handler-timeout-in-context-write", 1, false, Background with { SlowContextWrite = 0.01 }, 0, 0, null)
    {
        HandlerTimeout = TimeSpan.FromSeconds(1.5),
    };

    public static IReadOnlyList<FaultScenario> All { get; } =
        [RelaySigkill, PostgresRestartFast, PostgresRestartImmediate, TerminateBackends, ProxyCutAndStall, TwoRelays, ThreeRelays, PauseLeader, BlackholeLeader, HandlerFaults, HandlerTimeoutDuringContextWrite];

    /// <summary>The scenarios that run (those reproducing open findings only with OUTBOX_FAULT_KNOWN_BUGS=1).</summary>
    public static int Count => All.Count(s => s.Finding is null || Environment.GetEnvironmentVariable(KnownBugTheoryAttribute.Variable) == "1");

    private static async Task<InjectedFault> RestartAsync(FaultTargets targets, LocalPostgresShutdown mode)
    {
        var start = DateTime.UtcNow;
        await targets.Postgres.RestartAsync(mode, TimeSpan.FromSeconds(1));
        targets.Admin.Clear(); // its pooled connections died with the server
        return new InjectedFault(start, DateTime.UtcNow, $"restart Postgres ({mode.ToString().ToLowerInvariant()} shutdown, 1 s down)");
    }

    private static async Task<InjectedFault> TerminateAsync(FaultTargets targets, Random random)
    {
        var start = DateTime.UtcNow;
        await using var command = targets.Admin.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE 'fault-relay-%' AND pid <> pg_backend_pid()");
        var count = (long)(await command.ExecuteScalarAsync())!;
        return new InjectedFault(start, DateTime.UtcNow, string.Create(CultureInfo.InvariantCulture, $"pg_terminate_backend of {count} relay connection(s)"));
    }

    private static async Task<InjectedFault> CutOrStallAsync(FaultTargets targets, Random random)
    {
        var proxy = targets.Proxy!;
        var start = DateTime.UtcNow;
        if (random.NextDouble() < 0.4)
        {
            return new InjectedFault(start, DateTime.UtcNow, string.Create(CultureInfo.InvariantCulture, $"cut {proxy.CutAll()} connection(s)"));
        }

        var stall = TimeSpan.FromSeconds(1 + random.NextDouble() * 3);
        await proxy.StallAsync(stall);
        var what = random.NextDouble() < 0.5
            ? string.Create(CultureInfo.InvariantCulture, $"stall {stall.TotalSeconds:F1} s, then cut {proxy.CutAll()} connection(s)")
            : string.Create(CultureInfo.InvariantCulture, $"stall {stall.TotalSeconds:F1} s");
        return new InjectedFault(start, DateTime.UtcNow, what);
    }
}
