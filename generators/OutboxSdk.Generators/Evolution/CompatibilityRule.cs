using System;
using System.Collections.Generic;
using System.Globalization;

namespace OutboxSdk.Generators.Evolution;

/// <summary>
/// The compatibility levels of the <c>OutboxSchemaCompatibility</c> MSBuild property, with the meaning the
/// Confluent Schema Registry (and the runtime's <c>CompatibilityLevel</c>) gives them.
/// </summary>
internal enum CompatibilityRule
{
    None,
    Backward,
    Forward,
    Full,
    BackwardTransitive,
    ForwardTransitive,
    FullTransitive,
}

/// <summary>A committed version of a subject's schema, parsed.</summary>
internal sealed record HistoryVersion(int Version, SchemaNode Schema);

/// <summary>Reads the property and checks a new schema against a subject's history at a level.</summary>
internal static class CompatibilityRules
{
    /// <summary>
    /// The level when the property is unset, the same as the runtime's <c>OutboxOptions.SchemaCompatibility</c>:
    /// FULL_TRANSITIVE, so that a rolling deploy is safe in both directions (old relays read new messages, new relays
    /// old ones) against every version the outbox may still hold or replay from dead letters (docs/schema-evolution.md).
    /// </summary>
    public const CompatibilityRule Default = CompatibilityRule.FullTransitive;

    /// <summary>The levels as the property accepts them, for messages.</summary>
    public const string Accepted = "Backward, Forward, Full, BackwardTransitive, ForwardTransitive, FullTransitive or None";

    /// <summary>
    /// Reads the property value: unset or empty means <see cref="Default"/>; case, '_' and '-' are ignored so that the
    /// Schema Registry's spelling (BACKWARD_TRANSITIVE) works too.
    /// </summary>
    public static bool TryParse(string? text, out CompatibilityRule rule)
    {
        var key = (text ?? "").Replace("_", "").Replace("-", "").Trim().ToUpperInvariant();
        rule = Default;
        switch (key)
        {
            case "": return true;
            case "BACKWARD": rule = CompatibilityRule.Backward; return true;
            case "NONE": rule = CompatibilityRule.None; return true;
            case "FORWARD": rule = CompatibilityRule.Forward; return true;
            case "FULL": rule = CompatibilityRule.Full; return true;
            case "BACKWARDTRANSITIVE": rule = CompatibilityRule.BackwardTransitive; return true;
            case "FORWARDTRANSITIVE": rule = CompatibilityRule.ForwardTransitive; return true;
            case "FULLTRANSITIVE": rule = CompatibilityRule.FullTransitive; return true;
            default: return false;
        }
    }

    /// <summary>The Schema Registry's name of the level, e.g. BACKWARD_TRANSITIVE, as diagnostics name it.</summary>
    public static string Name(CompatibilityRule rule) => rule switch
    {
        CompatibilityRule.None => "NONE",
        CompatibilityRule.Backward => "BACKWARD",
        CompatibilityRule.Forward => "FORWARD",
        CompatibilityRule.Full => "FULL",
        CompatibilityRule.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityRule.ForwardTransitive => "FORWARD_TRANSITIVE",
        _ => "FULL_TRANSITIVE",
    };

    /// <summary>
    /// Every break of <paramref name="rule"/> by <paramref name="newSchema"/> against <paramref name="history"/>
    /// (oldest first; the last is the latest), each a sentence that names the version and the direction, e.g.
    /// "the new schema cannot read data written with v2: field 'Total' ...".
    /// </summary>
    public static List<string> Check(SchemaNode newSchema, IReadOnlyList<HistoryVersion> history, CompatibilityRule rule)
    {
        var (backward, forward, transitive) = rule switch
        {
            CompatibilityRule.None => (false, false, false),
            CompatibilityRule.Backward => (true, false, false),
            CompatibilityRule.Forward => (false, true, false),
            CompatibilityRule.Full => (true, true, false),
            CompatibilityRule.BackwardTransitive => (true, false, true),
            CompatibilityRule.ForwardTransitive => (false, true, true),
            _ => (true, true, true),
        };

        var found = new List<string>();
        for (var i = transitive ? 0 : Math.Max(0, history.Count - 1); i < history.Count; i++)
        {
            var version = "v" + history[i].Version.ToString(CultureInfo.InvariantCulture);

            // BACKWARD: the new schema reads old data (consumers upgrade first); FORWARD: old readers meet new data.
            if (backward)
            {
                foreach (var schemaBreak in ResolutionRules.CanRead(newSchema, history[i].Schema))
                {
                    found.Add("the new schema cannot read data written with " + version + ": " + schemaBreak.Message);
                }
            }

            if (forward)
            {
                foreach (var schemaBreak in ResolutionRules.CanRead(history[i].Schema, newSchema))
                {
                    found.Add(version + " cannot read data written with the new schema: " + schemaBreak.Message);
                }
            }
        }

        return found;
    }
}
