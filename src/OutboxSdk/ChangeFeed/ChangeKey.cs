namespace OutboxSdk;

/// <summary>A row's primary key: the key members' names, columns and values, in key order.</summary>
public sealed class ChangeKey
{
    /// <summary>Creates a key.</summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public ChangeKey(IReadOnlyList<string> members, IReadOnlyList<string> columns, IReadOnlyList<object> values)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (members.Count != columns.Count || members.Count != values.Count)
        {
            throw new ArgumentException($"a key needs one column and one value per member: {members.Count} members, {columns.Count} columns, {values.Count} values", nameof(values));
        }

        Members = members;
        Columns = columns;
        Values = values;
    }

    /// <summary>The key members' C# names.</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>The key columns' names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The values, typed as the members are (e.g. <see cref="Guid"/>, <see cref="long"/>).</summary>
    public IReadOnlyList<object> Values { get; }

    /// <summary>The value of the key member <paramref name="member"/> (its C# name).</summary>
    /// <exception cref="KeyNotFoundException">The key has no such member.</exception>
    public object this[string member]
    {
        get
        {
            for (var i = 0; i < Members.Count; i++)
            {
                if (Members[i] == member)
                {
                    return Values[i];
                }
            }

            throw new KeyNotFoundException($"the key has no member '{member}'; it has: {string.Join(", ", Members)}");
        }
    }

    /// <summary>A value as invariant text: ISO 8601 round-trip for dates and times.</summary>
    public static string Format(object value) => value switch
    {
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("O", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        byte[] bytes => Convert.ToHexStringLower(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Columns.Select((c, i) => c + "=" + Format(Values[i])));
}
