using System.Globalization;
using System.Text;

namespace OutboxSdk.FaultTests;

/// <summary>One row of the scenario table.</summary>
internal sealed record ScenarioRow(string Scenario, string Mode, int Seed, int Relays, int Faults, int UnexpectedExits, Verdict Verdict);

/// <summary>
/// The table of every scenario run by this test process, printed after each scenario and written to
/// <c>fault-results/scenario-table.md</c> in the test's output folder.
/// </summary>
internal static class ScenarioTable
{
    private static readonly List<ScenarioRow> Rows = [];
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "fault-results", "scenario-table.md");

    /// <summary>Adds the row and returns the whole table so far, also written to <see cref="FilePath"/>.</summary>
    public static string Add(ScenarioRow row)
    {
        lock (Gate)
        {
            Rows.Add(row);
            var text = Format(Rows, FaultBudget.Current.Describe());
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.WriteAllText(FilePath, text);
            return text;
        }
    }

    public static string Format(IEnumerable<ScenarioRow> rows, string budget)
    {
        var text = new StringBuilder();
        text.Append("Fault suite, ").Append(budget).Append('\n').Append('\n');
        text.Append("| scenario | mode | relays | messages (rolled back) | kills/faults | lost | duplicate deliveries | duplicate effects | order violations | dead letters (expected) | max recovery |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var row in rows)
        {
            var v = row.Verdict;
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Mode} | {row.Relays} | {v.Committed} ({v.RolledBack}) | {row.Faults}{(row.UnexpectedExits > 0 ? $" (+{row.UnexpectedExits} exits)" : "")} | {v.Lost} | {v.DuplicateDeliveries} | {v.DuplicateEffects} | {v.OrderViolations} | {v.PoisonDeadLettered + v.UnexpectedDeadLetters} ({v.ExpectedDeadLetters}) | {(v.MaxRecovery is { } r ? r.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s" : "–")} |\n");
        }

        return text.ToString();
    }
}
