namespace OutboxSdk.Avro.Schema;

/// <summary>The name of a record, enum or fixed: a simple name and an optional namespace (see Avro spec, "Names").</summary>
public sealed record AvroName
{
    /// <summary>Creates a name; <paramref name="name"/> may be a full name, in which case <paramref name="space"/> is ignored.</summary>
    public AvroName(string name, string? space)
    {
        ArgumentNullException.ThrowIfNull(name);
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            Name = name[(dot + 1)..];
            Namespace = name[..dot];
        }
        else
        {
            Name = name;
            Namespace = string.IsNullOrEmpty(space) ? null : space;
        }

        FullName = Namespace is null ? Name : Namespace + "." + Name;
    }

    /// <summary>The simple name, without namespace.</summary>
    public string Name { get; }

    /// <summary>The namespace, or null for the null namespace.</summary>
    public string? Namespace { get; }

    /// <summary>The namespace and name joined with a dot.</summary>
    public string FullName { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;

    /// <summary>True when <paramref name="name"/> matches <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsValidSimpleName(string name)
    {
        if (string.IsNullOrEmpty(name) || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every dot-separated part of <paramref name="fullName"/> is a valid simple name.</summary>
    public static bool IsValidFullName(string fullName)
    {
        foreach (var part in fullName.Split('.'))
        {
            if (!IsValidSimpleName(part))
            {
                return false;
            }
        }

        return true;
    }
}
