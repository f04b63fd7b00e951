using System.Globalization;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Compatibility;

/// <summary>
/// Static schema compatibility: whether a reader schema can read every datum a writer schema can write, decided
/// from the two schemas alone by the rules of the Avro specification's "Schema Resolution" section.
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>
    /// Checks that data written with <paramref name="writer"/> can be read with <paramref name="reader"/>, per the
    /// Avro specification's "Schema Resolution": equal primitives or the promotions int to long, float or double,
    /// long to float or double, float to double, string to bytes and bytes to string; records, enums and fixed
    /// types matched by unqualified name or a reader alias equal to the writer's full name; reader fields found by
    /// name or alias, or else given a default; writer enum symbols known to the reader unless it has a default
    /// symbol; fixed sizes equal; decimals of equal precision and scale; and, for unions, every writer branch
    /// readable by the first reader branch that matches it. Every incompatibility is collected, not only the first.
    /// </summary>
    /// <param name="reader">The schema the data is read with.</param>
    /// <param name="writer">The schema the data was written with.</param>
    public static CompatibilityResult CanRead(AvroSchema reader, AvroSchema writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var found = ResolutionChecker.Check(reader, writer);
        return found.Count == 0 ? CompatibilityResult.Compatible : new CompatibilityResult(found);
    }

    /// <summary>
    /// Checks a new schema version against earlier ones at a <see cref="CompatibilityLevel"/>. Each message says
    /// which previous version (numbered from 1, oldest first, as in <paramref name="previousVersions"/>) and which
    /// direction failed, for example "the new schema cannot read data written with version 2 of 3: ...". With no
    /// previous versions, or <see cref="CompatibilityLevel.None"/>, the result is compatible.
    /// </summary>
    /// <param name="newSchema">The proposed schema.</param>
    /// <param name="previousVersions">The earlier versions, oldest first; the last is the latest.</param>
    /// <param name="level">Which directions to check, and against the latest version or all of them.</param>
    public static CompatibilityResult Check(AvroSchema newSchema, IReadOnlyList<AvroSchema> previousVersions, CompatibilityLevel level)
    {
        ArgumentNullException.ThrowIfNull(newSchema);
        ArgumentNullException.ThrowIfNull(previousVersions);
        var (backward, forward, transitive) = level switch
        {
            CompatibilityLevel.None => (false, false, false),
            CompatibilityLevel.Backward => (true, false, false),
            CompatibilityLevel.Forward => (false, true, false),
            CompatibilityLevel.Full => (true, true, false),
            CompatibilityLevel.BackwardTransitive => (true, false, true),
            CompatibilityLevel.ForwardTransitive => (false, true, true),
            CompatibilityLevel.FullTransitive => (true, true, true),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not a compatibility level."),
        };

        var count = previousVersions.Count;
        var found = new List<Incompatibility>();
        for (var i = transitive ? 0 : Math.Max(0, count - 1); i < count; i++)
        {
            var previous = previousVersions[i] ?? throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Previous version {i + 1} is null."), nameof(previousVersions));
            var version = string.Create(CultureInfo.InvariantCulture, $"version {i + 1} of {count}");

            // BACKWARD: the new schema is the reader of old data; FORWARD: old readers meet new data.
            if (backward)
            {
                Add(found, ResolutionChecker.Check(newSchema, previous), "the new schema cannot read data written with " + version);
            }

            if (forward)
            {
                Add(found, ResolutionChecker.Check(previous, newSchema), version + " cannot read data written with the new schema");
            }
        }

        return found.Count == 0 ? CompatibilityResult.Compatible : new CompatibilityResult(found);
    }

    private static void Add(List<Incompatibility> found, List<Incompatibility> incompatibilities, string direction)
    {
        foreach (var incompatibility in incompatibilities)
        {
            found.Add(new Incompatibility(incompatibility.Kind, incompatibility.ReaderPath, direction + ": " + incompatibility.Message));
        }
    }
}
