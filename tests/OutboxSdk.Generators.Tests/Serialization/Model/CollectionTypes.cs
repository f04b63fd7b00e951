using OutboxSdk;

namespace Serial.Collections;

/// <summary>Every collection shape the generator maps.</summary>
[OutboxMessage("serial.collections")]
public partial class AllCollections
{
    public int[] Array { get; init; } = [];

    public List<string> List { get; init; } = [];

    public IList<long> IList { get; init; } = [];

    public IReadOnlyList<Guid> ReadOnlyList { get; init; } = [];

    public ICollection<double> Collection { get; init; } = [];

    public IReadOnlyCollection<string> ReadOnlyCollection { get; init; } = [];

    public Dictionary<string, int> Dictionary { get; init; } = [];

    public IDictionary<string, string> IDictionary { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, DateTime> ReadOnlyDictionary { get; init; } = new Dictionary<string, DateTime>();

    public List<List<int>> Nested { get; init; } = [];

    public Dictionary<string, List<string?>> MapOfLists { get; init; } = [];

    public List<Dictionary<string, int>> ListOfMaps { get; init; } = [];

    public string?[] NullableStrings { get; init; } = [];

    public List<int?> NullableInts { get; init; } = [];

    public Dictionary<string, Item?> NullableItems { get; init; } = [];

    public IReadOnlyList<Item> Items { get; init; } = [];

    public List<int>? Optional { get; init; }

    [AvroDecimal(6, 3)]
    public List<decimal> Prices { get; init; } = [];
}

/// <summary>A record reached only through collections.</summary>
public sealed record Item(string Name, int Quantity);
