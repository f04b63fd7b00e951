namespace OutboxSdk.ChangeFeed;

/// <summary>What <see cref="ChangeFeedRouter.OnRelation"/> found when it compared a Relation message with the entity mapped to that table.</summary>
/// <param name="IsMapped">False when no <c>[ChangeFeed]</c> entity maps the table: its changes are not routed.</param>
/// <param name="IsCompatible">False when the entity can no longer be built from the table's rows; the engine must stop the feed without acknowledging past this point.</param>
/// <param name="Error">Why it is incompatible: table, column, expected and actual type, and what to do. Null when compatible.</param>
/// <param name="IgnoredColumns">Columns of the table that the entity does not map (added since); compatible, their values are not read.</param>
/// <param name="Warnings">Compatible differences worth telling an operator, e.g. REPLICA IDENTITY DEFAULT where the entity declares FULL.</param>
/// <param name="EntityType">The entity's CLR type, or null when unmapped.</param>
internal sealed record RelationCheck(bool IsMapped, bool IsCompatible, string? Error, IReadOnlyList<string> IgnoredColumns, IReadOnlyList<string> Warnings, Type? EntityType)
{
    public static RelationCheck NotMapped { get; } = new(false, true, null, [], [], null);
}

/// <summary>Compares a Relation message's columns, types and replica identity with an entity's generated table.</summary>
internal static class RelationComparer
{
    private const string StopNote = "The change feed stops here without acknowledging this transaction, so no change is lost:";

    public static RelationCheck Compare(ChangeFeedTable table, Type entity, PgRelation relation)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var details = relation.ColumnDetails;
        foreach (var column in table.Columns)
        {
            var index = relation.IndexOf(column.Name);
            if (index < 0)
            {
                errors.Add($"column \"{column.Name}\" ({column.PostgresType}, member {entity.Name}.{column.Member}) is no longer in table {relation.DisplayName}: it was dropped or renamed. "
                    + $"{StopNote} restore the column, or remove the member from {entity.Name} and redeploy.");
                continue;
            }

            if (details is null)
            {
                continue; // described by names only: nothing more to compare
            }

            var actual = details[index];
            var (oid, modifier) = PgTypeOids.Parse(column.PostgresType);
            var retyped = oid != 0 && (actual.TypeOid != oid || (oid is 1700 or 1231 && modifier >= 0 && actual.TypeModifier != modifier));
            if (retyped)
            {
                errors.Add($"column \"{column.Name}\" of table {relation.DisplayName} is now {PgTypeOids.Describe(actual.TypeOid, actual.TypeModifier)}, but {entity.Name}.{column.Member} expects {column.PostgresType}. "
                    + $"{StopNote} change the column back (ALTER TABLE {relation.DisplayName} ALTER COLUMN \"{column.Name}\" TYPE {column.PostgresType}), or change the member's type to match and redeploy.");
            }
        }

        var mapped = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var ignored = relation.Columns.Where(c => !mapped.Contains(c)).ToList();

        if (details is not null && relation.ReplicaIdentity is { } identity && identity != ReplicaIdentity.Full)
        {
            var keyless = table.Key.Where(k => relation.IndexOf(k.Name) is var i && i >= 0 && !details[i].IsKey).Select(k => k.Name).ToList();
            if (identity == ReplicaIdentity.Nothing || keyless.Count > 0)
            {
                errors.Add($"table {relation.DisplayName} has REPLICA IDENTITY {identity.ToString().ToUpperInvariant()}, which does not include {entity.Name}'s key column(s) {string.Join(", ", table.Key.Select(k => k.Name))}, so a delete could not say which row it removed. "
                    + $"{StopNote} run ALTER TABLE {relation.DisplayName} REPLICA IDENTITY {(table.ReplicaIdentity == ReplicaIdentity.Full ? "FULL" : "DEFAULT")} (the entity's CreateTableSql does).");
            }
            else if (table.ReplicaIdentity == ReplicaIdentity.Full)
            {
                warnings.Add($"table {relation.DisplayName} has REPLICA IDENTITY {identity.ToString().ToUpperInvariant()} but {entity.Name} declares Full: updates and deletes carry the key only (BeforeImage.Key) and unchanged TOAST values cannot be taken from a before image. Run ALTER TABLE {relation.DisplayName} REPLICA IDENTITY FULL.");
            }
        }

        return errors.Count > 0
            ? new RelationCheck(true, false, string.Join(Environment.NewLine, errors), ignored, warnings, entity)
            : new RelationCheck(true, true, null, ignored, warnings, entity);
    }
}
