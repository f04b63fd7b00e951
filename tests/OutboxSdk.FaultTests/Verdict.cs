using System.Text.RegularExpressions;

namespace OutboxSdk.FaultTests;

/// <summary>A fault the suite injected: when it began, when the injection ended, and what it was.</summary>
internal readonly record struct InjectedFault(DateTime Start, DateTime End, string What);

/// <summary>
/// What a scenario's ledger says about the guarantees. Lost: a committed message that never had a successful
/// delivery (or, with an effect, no committed effect), or a poison message that is not in dead letters. Phantom: a
/// delivery, effect or dead letter of a message that was never committed. Order: per key, the first delivery of each
/// message and the committed effects must follow the publisher's seq. Recovery: from the start of a fault to the
/// first delivery after it ended.
/// </summary>
internal sealed partial record Verdict(
    int Committed,
    int RolledBack,
    int Lost,
    int Phantoms,
    int DuplicateDeliveries,
    int DuplicateEffects,
    int OrderViolations,
    int ExpectedDeadLetters,
    int PoisonDeadLettered,
    int UnexpectedDeadLetters,
    long Backlog,
    TimeSpan? MaxRecovery,
    IReadOnlyList<TimeSpan?> Recoveries,
    IReadOnlyList<string> Examples)
{
    /// <summary>Whether the relay has nothing left to do: nothing lost (yet) and no backlog.</summary>
    public bool Settled => Lost == 0 && Backlog == 0;

    public bool Holds => Lost == 0 && Phantoms == 0 && DuplicateEffects == 0 && OrderViolations == 0 && UnexpectedDeadLetters == 0;

    public static Verdict Of(Ledger ledger, IReadOnlyList<InjectedFault> faults)
    {
        var examples = new List<string>();
        void Example(string text)
        {
            if (examples.Count < 12)
            {
                examples.Add(text);
            }
        }

        var committed = ledger.Committed.ToDictionary(e => e.Id);
        var delivered = ledger.Deliveries.Select(d => d.Id).ToHashSet();
        var effected = ledger.Effects.Select(e => e.Id).ToHashSet();
        var deadLettered = new HashSet<Guid>();
        var unexpectedDeadLetters = 0;
        foreach (var error in ledger.DeadLetterErrors)
        {
            var match = PoisonError().Match(error);
            if (match.Success && Guid.TryParse(match.Groups[1].Value, out var id) && committed.TryGetValue(id, out var entry) && entry.Behaviour == 1
                && deadLettered.Add(id))
            {
                // the poison message's one dead letter
            }
            else
            {
                unexpectedDeadLetters++;
                Example("unexpected dead letter: " + FirstLine(error));
            }
        }

        var lost = 0;
        foreach (var entry in ledger.Committed)
        {
            var ok = entry.Behaviour == 1
                ? deadLettered.Contains(entry.Id)
                : delivered.Contains(entry.Id) && (!entry.Effect || effected.Contains(entry.Id));
            if (!ok)
            {
                lost++;
                Example($"lost: {entry.Key}/{entry.Seq} {entry.Id} (behaviour {entry.Behaviour}, effect {entry.Effect}, delivered {delivered.Contains(entry.Id)})");
            }
        }

        var phantoms = delivered.Concat(effected).Where(id => !committed.ContainsKey(id)).Distinct().ToList();
        var rolledBack = ledger.RolledBack.ToHashSet();
        foreach (var id in phantoms.Take(3))
        {
            Example($"phantom: {id} was delivered but never committed{(rolledBack.Contains(id) ? " (its transaction rolled back)" : "")}");
        }

        var order = 0;
        foreach (var key in ledger.Deliveries.GroupBy(d => d.Key))
        {
            // First deliveries only: a redelivery after a crash legitimately repeats earlier messages.
            var last = long.MinValue;
            foreach (var first in key.GroupBy(d => d.Id).Select(g => g.MinBy(d => d.Ticks)).OrderBy(d => d.Ticks))
            {
                if (first.Seq < last)
                {
                    order++;
                    Example($"order: {key.Key}/{first.Seq} first delivered after {key.Key}/{last}");
                }

                last = Math.Max(last, first.Seq);
            }
        }

        foreach (var key in ledger.Effects.GroupBy(e => e.Key))
        {
            var last = long.MinValue;
            foreach (var effect in key.OrderBy(e => e.N))
            {
                if (effect.Seq <= last)
                {
                    order++;
                    Example($"order: effect {key.Key}/{effect.Seq} committed after {key.Key}/{last}");
                }

                last = Math.Max(last, effect.Seq);
            }
        }

        var ticks = ledger.Deliveries.Select(d => d.Ticks).Order().ToArray();
        TimeSpan? maxRecovery = null;
        var recoveries = new List<TimeSpan?>();
        foreach (var fault in faults)
        {
            var i = Array.BinarySearch(ticks, fault.End.Ticks + 1);
            i = i < 0 ? ~i : i;
            TimeSpan? recovery = i < ticks.Length ? TimeSpan.FromTicks(ticks[i] - fault.Start.Ticks) : null;
            recoveries.Add(recovery);
            if (recovery is { } r && (maxRecovery is null || r > maxRecovery))
            {
                maxRecovery = r;
            }
        }

        return new Verdict(
            ledger.Committed.Count,
            ledger.RolledBack.Count,
            lost,
            phantoms.Count,
            ledger.Deliveries.Count - delivered.Count,
            ledger.Effects.Count - effected.Count,
            order,
            ledger.Committed.Count(e => e.Behaviour == 1),
            deadLettered.Count,
            unexpectedDeadLetters,
            ledger.Backlog,
            maxRecovery,
            recoveries,
            examples);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    [GeneratedRegex("poison message ([0-9a-f-]{36})")]
    private static partial Regex PoisonError();
}
