namespace OutboxSdk.Avro.Schema;

/// <summary>A record, enum or fixed: a schema with a full name, aliases and documentation.</summary>
public abstract class NamedSchema : AvroSchema
{
    private protected NamedSchema(AvroType type, AvroName name, IReadOnlyList<AvroName>? aliases, string? doc,
        LogicalType? logicalType, IReadOnlyDictionary<string, string>? properties)
        : base(type, logicalType, properties)
    {
        Name = name;
        Aliases = aliases ?? [];
        Doc = doc;
    }

    /// <summary>The name and namespace.</summary>
    public AvroName Name { get; }

    /// <summary>The namespace-qualified name.</summary>
    public string FullName => Name.FullName;

    /// <summary>Alternate names (full names, resolved against this schema's namespace), used when resolving a writer schema.</summary>
    public IReadOnlyList<AvroName> Aliases { get; }

    /// <summary>Documentation, or null.</summary>
    public string? Doc { get; }

    /// <inheritdoc />
    public override string TypeName => Name.FullName;

    /// <summary>True when <paramref name="fullName"/> is this schema's full name or one of its aliases.</summary>
    public bool IsNamedOrAliased(string fullName)
    {
        if (Name.FullName == fullName)
        {
            return true;
        }

        foreach (var alias in Aliases)
        {
            if (alias.FullName == fullName)
            {
                return true;
            }
        }

        return false;
    }
}
