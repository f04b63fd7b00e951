using System.Globalization;

namespace OutboxSdk.FaultTests;

/// <summary>
/// How hard the suite pushes. By default the reduced form that <c>dotnet test OutboxSdk.sln</c> runs (a few seconds of
/// stream per scenario, a few faults each); <c>OUTBOX_SOAK_MINUTES=n</c> spreads n minutes over all scenarios and
/// modes with a faster stream. <c>OUTBOX_FAULT_SEED</c> fixes the random choices (default 1).
/// </summary>
internal sealed record FaultBudget(bool Soak, TimeSpan Stream, double Rate, TimeSpan SettleTimeout, int BaseSeed)
{
    public const string SoakVariable = "OUTBOX_SOAK_MINUTES";
    public const string SeedVariable = "OUTBOX_FAULT_SEED";

    public static FaultBudget Current { get; } = FromEnvironment();

    /// <summary>The gap between faults, scaled up in the soak so each fault still meets a busy stream.</summary>
    public TimeSpan Gap(Random random, double minSeconds, double maxSeconds) =>
        TimeSpan.FromSeconds((minSeconds + random.NextDouble() * (maxSeconds - minSeconds)) * (Soak ? 1.5 : 1));

    public string Describe() => Soak
        ? $"soak: {Stream.TotalSeconds:F0} s of stream per scenario at {Rate}/s, seed {BaseSeed}"
        : $"reduced: {Stream.TotalSeconds:F0} s of stream per scenario at {Rate}/s, seed {BaseSeed} (set {SoakVariable}=n for an n-minute soak)";

    private static FaultBudget FromEnvironment()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out var s) ? s : 1;
        var soak = Environment.GetEnvironmentVariable(SoakVariable);
        if (string.IsNullOrEmpty(soak))
        {
            // About 3 minutes for one mode at 8 s each; more modes share that time (3 s each for three) so the reduced
            // run stays near 5 minutes.
            var reduced = TimeSpan.FromSeconds(Math.Max(3, 8 / RelayModes.All.Count));
            return new FaultBudget(false, reduced, 120, TimeSpan.FromMinutes(2), seed);
        }

        if (!double.TryParse(soak, CultureInfo.InvariantCulture, out var minutes) || minutes <= 0)
        {
            throw new InvalidOperationException($"{SoakVariable} must be a positive number of minutes, got '{soak}'");
        }

        // Each scenario's stream gets its share of the time, less what starting, settling and checking take.
        var runs = FaultScenarios.Count * RelayModes.All.Count;
        var stream = TimeSpan.FromSeconds(Math.Max(20, (minutes * 60 / runs) - 20));
        return new FaultBudget(true, stream, 150, TimeSpan.FromMinutes(10), seed);
    }
}
