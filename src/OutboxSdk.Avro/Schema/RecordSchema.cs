namespace OutboxSdk.Avro.Schema;

/// <summary>A named record of fields (or an "error", the record variant that protocols use).</summary>
public sealed class RecordSchema : NamedSchema
{
    private IReadOnlyList<RecordField> _fields = [];
    private Dictionary<string, RecordField> _byName = new(StringComparer.Ordinal);
    private bool _fieldsSet;

    /// <summary>Creates a record; pass its fields here, or later through <see cref="SetFields"/> for recursive types.</summary>
    public RecordSchema(AvroName name, IReadOnlyList<RecordField>? fields = null, IReadOnlyList<AvroName>? aliases = null,
        string? doc = null, bool isError = false, IReadOnlyDictionary<string, string>? properties = null)
        : base(AvroType.Record, name, aliases, doc, null, properties)
    {
        IsError = isError;
        if (fields is not null)
        {
            SetFields(fields);
        }
    }

    /// <summary>The fields in declaration (and encoding) order.</summary>
    public IReadOnlyList<RecordField> Fields => _fields;

    /// <summary>True for a schema declared with type "error".</summary>
    public bool IsError { get; }

    /// <summary>
    /// Sets the fields once. A record that refers to itself is created first, then given its fields, so that
    /// the fields can name it.
    /// </summary>
    public void SetFields(IReadOnlyList<RecordField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (_fieldsSet)
        {
            throw new InvalidOperationException("The fields of record '" + FullName + "' are already set.");
        }

        var byName = new Dictionary<string, RecordField>(fields.Count, StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            if (!byName.TryAdd(fields[i].Name, fields[i]))
            {
                throw new ArgumentException("Duplicate field '" + fields[i].Name + "' in record '" + FullName + "'.", nameof(fields));
            }

            fields[i].Position = i;
        }

        _fields = fields;
        _byName = byName;
        _fieldsSet = true;
    }

    /// <summary>The field with this name (not alias), or null.</summary>
    public RecordField? GetField(string name) => _byName.GetValueOrDefault(name);
}
