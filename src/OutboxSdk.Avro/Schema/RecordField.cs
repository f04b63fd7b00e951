using System.Text.Json;

namespace OutboxSdk.Avro.Schema;

/// <summary>The sort order of a record field (see Avro spec, "Sort Order").</summary>
public enum SortOrder
{
    /// <summary>Ascending (the default).</summary>
    Ascending,
    /// <summary>Descending.</summary>
    Descending,
    /// <summary>Ignored when comparing.</summary>
    Ignore,
}

/// <summary>A field of a record.</summary>
public sealed class RecordField
{
    /// <summary>Creates a field. <paramref name="defaultValue"/> is the JSON default as the schema states it.</summary>
    public RecordField(string name, AvroSchema schema, JsonElement? defaultValue = null, string? doc = null,
        SortOrder order = SortOrder.Ascending, IReadOnlyList<string>? aliases = null,
        IReadOnlyDictionary<string, string>? properties = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        Default = defaultValue?.Clone();
        Doc = doc;
        Order = order;
        Aliases = aliases ?? [];
        Properties = properties ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
    }

    /// <summary>The field name.</summary>
    public string Name { get; }

    /// <summary>The field's schema.</summary>
    public AvroSchema Schema { get; }

    /// <summary>The zero-based position in the record.</summary>
    public int Position { get; internal set; }

    /// <summary>The default value as JSON (unions take the value of a matching branch, unwrapped), or null when there is none.</summary>
    public JsonElement? Default { get; }

    /// <summary>True when the field has a default value (which may be JSON null).</summary>
    public bool HasDefault => Default.HasValue;

    /// <summary>Documentation, or null.</summary>
    public string? Doc { get; }

    /// <summary>The sort order.</summary>
    public SortOrder Order { get; }

    /// <summary>Former names of the field, used when resolving a writer's field.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Custom attributes as raw JSON text.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>True when <paramref name="name"/> is this field's name or one of its aliases.</summary>
    public bool IsNamedOrAliased(string name) => Name == name || Aliases.Contains(name);

    /// <inheritdoc />
    public override string ToString() => Name + ": " + Schema.TypeName;
}
