namespace OutboxSdk.Avro.Schema;

/// <summary>A named set of symbols, encoded as the symbol's zero-based index.</summary>
public sealed class EnumSchema : NamedSchema
{
    private readonly Dictionary<string, int> _indexes;

    /// <summary>Creates an enum schema. Symbols must be unique valid names; the default, if any, one of them.</summary>
    public EnumSchema(AvroName name, IReadOnlyList<string> symbols, string? defaultSymbol = null,
        IReadOnlyList<AvroName>? aliases = null, string? doc = null, IReadOnlyDictionary<string, string>? properties = null)
        : base(AvroType.Enum, name, aliases, doc, null, properties)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        Symbols = symbols;
        _indexes = new Dictionary<string, int>(symbols.Count, StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            if (!_indexes.TryAdd(symbols[i], i))
            {
                throw new ArgumentException("Duplicate enum symbol '" + symbols[i] + "'.", nameof(symbols));
            }
        }

        if (defaultSymbol is not null && !_indexes.ContainsKey(defaultSymbol))
        {
            throw new ArgumentException("The default '" + defaultSymbol + "' is not one of the symbols.", nameof(defaultSymbol));
        }

        Default = defaultSymbol;
    }

    /// <summary>The symbols in declaration order.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>The symbol a reader uses for a writer's symbol it does not know, or null.</summary>
    public string? Default { get; }

    /// <summary>The index of <paramref name="symbol"/>, or -1.</summary>
    public int IndexOf(string symbol) => _indexes.TryGetValue(symbol, out var i) ? i : -1;
}
