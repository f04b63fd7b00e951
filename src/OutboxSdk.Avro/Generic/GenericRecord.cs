using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Generic;

/// <summary>
/// A record datum whose schema is known only at run time. Field values use the generic representation:
/// null, bool, int, long, float, double, byte[], string, <see cref="GenericRecord"/>, <see cref="GenericEnum"/>,
/// <see cref="GenericFixed"/>, <c>List&lt;object?&gt;</c> for arrays and <c>Dictionary&lt;string, object?&gt;</c> for maps;
/// a union holds the value of its branch. Logical types keep their underlying representation.
/// </summary>
public sealed class GenericRecord : IEquatable<GenericRecord>
{
    private readonly object?[] _values;

    /// <summary>Creates a record with every field null.</summary>
    public GenericRecord(RecordSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _values = new object?[schema.Fields.Count];
    }

    /// <summary>The record's schema.</summary>
    public RecordSchema Schema { get; }

    /// <summary>The value at field position <paramref name="position"/>.</summary>
    public object? this[int position]
    {
        get => _values[position];
        set => _values[position] = value;
    }

    /// <summary>The value of the field named <paramref name="name"/>.</summary>
    public object? this[string name]
    {
        get => _values[PositionOf(name)];
        set => _values[PositionOf(name)] = value;
    }

    /// <summary>Tries to get the value of a field by name.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        var field = Schema.GetField(name);
        value = field is null ? null : _values[field.Position];
        return field is not null;
    }

    /// <inheritdoc />
    public bool Equals(GenericRecord? other)
    {
        if (other is null || other.Schema.FullName != Schema.FullName || other._values.Length != _values.Length)
        {
            return false;
        }

        for (var i = 0; i < _values.Length; i++)
        {
            if (!GenericEquality.AreEqual(_values[i], other._values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GenericRecord);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, _values.Length);

    /// <inheritdoc />
    public override string ToString() => Json.AvroJson.Serialize(Schema, this);

    private int PositionOf(string name) =>
        Schema.GetField(name)?.Position
        ?? throw new KeyNotFoundException($"Record '{Schema.FullName}' has no field '{name}'.");
}

/// <summary>An enum datum: a symbol of its schema.</summary>
public sealed record GenericEnum
{
    /// <summary>Creates the datum; the symbol must belong to the schema.</summary>
    public GenericEnum(EnumSchema schema, string symbol)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        Index = schema.IndexOf(symbol);
        if (Index < 0)
        {
            throw new ArgumentException($"'{symbol}' is not a symbol of enum '{schema.FullName}'.", nameof(symbol));
        }

        Symbol = symbol;
    }

    /// <summary>The schema.</summary>
    public EnumSchema Schema { get; }

    /// <summary>The symbol.</summary>
    public string Symbol { get; }

    /// <summary>The symbol's index in the schema.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public bool Equals(GenericEnum? other) => other is not null && other.Symbol == Symbol && other.Schema.FullName == Schema.FullName;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol;
}

/// <summary>A fixed datum: exactly <see cref="FixedSchema.Size"/> bytes.</summary>
public sealed class GenericFixed : IEquatable<GenericFixed>
{
    /// <summary>Creates the datum; the length must equal the schema's size.</summary>
    public GenericFixed(FixedSchema schema, byte[] value)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != schema.Size)
        {
            throw new ArgumentException($"Fixed '{schema.FullName}' holds {schema.Size} bytes, not {value.Length}.", nameof(value));
        }

        Value = value;
    }

    /// <summary>The schema.</summary>
    public FixedSchema Schema { get; }

    /// <summary>The bytes.</summary>
    public byte[] Value { get; }

    /// <inheritdoc />
    public bool Equals(GenericFixed? other) =>
        other is not null && other.Schema.FullName == Schema.FullName && other.Value.AsSpan().SequenceEqual(Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GenericFixed);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Value.Length);
}
