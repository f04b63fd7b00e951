namespace OutboxSdk.Avro.Schema;

/// <summary>A value of one of several schemas, encoded as the branch index followed by the value.</summary>
public sealed class UnionSchema : AvroSchema
{
    private readonly Dictionary<string, int> _indexes;

    /// <summary>
    /// Creates a union. Per the specification a union may not directly contain a union, nor two branches of the
    /// same type name (two named types must differ in full name).
    /// </summary>
    public UnionSchema(IReadOnlyList<AvroSchema> branches)
        : base(AvroType.Union, null, null)
    {
        ArgumentNullException.ThrowIfNull(branches);
        Branches = branches;
        _indexes = new Dictionary<string, int>(branches.Count, StringComparer.Ordinal);
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i].Type == AvroType.Union)
            {
                throw new ArgumentException("A union may not immediately contain another union.", nameof(branches));
            }

            if (!_indexes.TryAdd(branches[i].TypeName, i))
            {
                throw new ArgumentException("The union has more than one branch of type '" + branches[i].TypeName + "'.", nameof(branches));
            }
        }

        NullIndex = IndexOf("null");
    }

    /// <summary>The branches in declaration order.</summary>
    public IReadOnlyList<AvroSchema> Branches { get; }

    /// <summary>The index of the null branch, or -1.</summary>
    public int NullIndex { get; }

    /// <summary>The index of the branch with this type name (a primitive, "array", "map", or a full name), or -1.</summary>
    public int IndexOf(string typeName) => _indexes.TryGetValue(typeName, out var i) ? i : -1;
}
