using OutboxSdk.Registration;

namespace OutboxSdk.Sources.Wal;

/// <summary>Leaves the entities of <see cref="ChangeFeedOptions.ExcludedEntities"/> out of this process's change feed.</summary>
internal static class ChangeFeedExclusion
{
    /// <exception cref="InvalidOperationException">An excluded name matches no registered entity (a typo would otherwise exclude nothing).</exception>
    public static IReadOnlyList<ChangeFeedEntityType> Apply(IReadOnlyList<ChangeFeedEntityType> entities, ICollection<string> excluded, ILogger logger)
    {
        if (excluded.Count == 0)
        {
            return entities;
        }

        static bool Matches(ChangeFeedEntityType entity, string name) => name == entity.ClrType.FullName || name == entity.Table;
        var unknown = excluded.Where(name => !entities.Any(e => Matches(e, name))).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"OutboxOptions.ChangeFeed.ExcludedEntities names no registered [ChangeFeed] entity: {string.Join(", ", unknown.Select(n => "'" + n + "'"))}. "
                + $"Use an entity's full type name or its table as the attribute names it; registered: {(entities.Count == 0 ? "none" : string.Join(", ", entities))}.");
        }

        var left = entities.Where(e => excluded.Any(name => Matches(e, name))).ToList();
        TopologyLog.EntitiesExcluded(logger, string.Join(", ", left));
        return [.. entities.Except(left)];
    }
}
