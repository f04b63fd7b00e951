using System.Text;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Properties;

/// <summary>
/// A seeded generator of random generic datums for a schema that aims at the edges: int/long min, max, 0, -1,
/// varint length boundaries, ±(2^53±1); NaN, ±Infinity, ±0.0, float and double subnormals and extremes; empty
/// strings and bytes, surrogate pairs, non-BMP characters, control characters and U+0000, bytes with all 256
/// values; empty and big arrays and maps; every union branch. Recursion stops through a union's null branch or
/// an empty array/map once the depth budget is spent.
/// </summary>
public sealed class RandomDatums
{
    private static readonly int[] EdgeInts = [0, -1, 1, int.MinValue, int.MaxValue, 63, 64, -64, -65, 8191, 8192, -8193, 1 << 20, -(1 << 27)];

    private static readonly long[] EdgeLongs =
    [
        0, -1, 1, long.MinValue, long.MaxValue, int.MinValue, int.MaxValue, (long)int.MaxValue + 1, (long)int.MinValue - 1,
        (1L << 53) - 1, 1L << 53, (1L << 53) + 1, -(1L << 53) - 1, -(1L << 53) + 1, 1L << 62, -(1L << 62), 1L << 35,
    ];

    private static readonly float[] EdgeFloats =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
        BitConverter.Int32BitsToSingle(0x007FFFFF), 1e-40f, float.MaxValue, float.MinValue, 1.17549435e-38f, 0.1f, 16777217f, -1f,
    ];

    private static readonly double[] EdgeDoubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon,
        BitConverter.Int64BitsToDouble(0x000FFFFFFFFFFFFF), 2.2250738585072014E-308, double.MaxValue, double.MinValue, 0.1,
        9007199254740993.0, 1e300, -1e-300, 1.0 / 3,
    ];

    private static readonly string[] EdgeStrings =
    [
        "", "a", "\u0000", "nul\u0000inside", "\ud83d\ude00", "\U0010FFFF", "\U00010000", "a\ud834\udd1eb", "tab\tnew\nline\rcr",
        "\u0001\u001f\u007f\u0080\u009f", "quote\" backslash\\ slash/", "\u00e9\u00fc\u00df", "\u2028\u2029", "\ufeffbom", "\uffff\ufffe",
        "<script>&amp;</script>", "1", "0", "42", "-1", "__proto__", "constructor", "\u4e2d\u6587",
    ];

    private readonly Random _random;
    private readonly RandomDatumOptions _options;

    public RandomDatums(int seed, RandomDatumOptions? options = null)
    {
        _random = new Random(seed);
        _options = options ?? new RandomDatumOptions();
    }

    /// <summary>A random datum of <paramref name="schema"/>.</summary>
    public object? Next(AvroSchema schema) => Generate(schema, 0);

    /// <summary><paramref name="count"/> datums; the first few lean on the edges harder than the rest.</summary>
    public List<object?> Many(AvroSchema schema, int count) => Enumerable.Range(0, count).Select(_ => Next(schema)).ToList();

    /// <summary>All 256 byte values, in order.</summary>
    public static byte[] AllBytes { get; } = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    private object? Generate(AvroSchema schema, int depth)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                return null;
            case AvroType.Boolean:
                return _random.Next(2) == 0;
            case AvroType.Int:
                return _random.Next(3) != 0 ? EdgeInts[_random.Next(EdgeInts.Length)] : _random.Next(int.MinValue, int.MaxValue);
            case AvroType.Long:
                return _random.Next(3) != 0 ? EdgeLongs[_random.Next(EdgeLongs.Length)] : _random.NextInt64(long.MinValue, long.MaxValue);
            case AvroType.Float:
                return _random.Next(3) != 0 ? EdgeFloats[_random.Next(EdgeFloats.Length)] : RandomFloat();
            case AvroType.Double:
                return _random.Next(3) != 0 ? EdgeDoubles[_random.Next(EdgeDoubles.Length)] : RandomDouble();
            case AvroType.Bytes:
                return RandomBytes(_random.Next(6) == 0 ? 256 : _random.Next(0, 9), allowAll: true);
            case AvroType.String:
                return RandomString();
            case AvroType.Enum:
                var enumSchema = (EnumSchema)schema;
                return new GenericEnum(enumSchema, enumSchema.Symbols[_random.Next(enumSchema.Symbols.Count)]);
            case AvroType.Fixed:
                var fixedSchema = (FixedSchema)schema;
                return new GenericFixed(fixedSchema, RandomBytes(fixedSchema.Size, allowAll: true));
            case AvroType.Record:
                var recordSchema = (RecordSchema)schema;
                var record = new GenericRecord(recordSchema);
                foreach (var field in recordSchema.Fields)
                {
                    record[field.Position] = Generate(field.Schema, depth + 1);
                }

                return record;
            case AvroType.Array:
                var items = ((ArraySchema)schema).Items;
                var list = new List<object?>();
                var length = ArrayLength(depth, items);
                for (var i = 0; i < length; i++)
                {
                    list.Add(Generate(items, depth + 1));
                }

                return list;
            case AvroType.Map:
                var values = ((MapSchema)schema).Values;
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                var size = depth >= _options.MaxDepth ? 0 : _random.Next(4) == 0 ? 0 : _random.Next(1, 5);
                for (var i = 0; i < size; i++)
                {
                    map[MapKey(i)] = Generate(values, depth + 1);
                }

                return map;
            case AvroType.Union:
                var union = (UnionSchema)schema;
                if (depth >= _options.MaxDepth && union.NullIndex >= 0)
                {
                    return null;
                }

                return Generate(union.Branches[_random.Next(union.Branches.Count)], depth + 1);
            default:
                throw new InvalidOperationException("unknown schema type " + schema.Type);
        }
    }

    private int ArrayLength(int depth, AvroSchema items)
    {
        if (depth >= _options.MaxDepth)
        {
            return 0;
        }

        var roll = _random.Next(12);
        if (roll == 0 && _options.BigArrays && IsSmall(items))
        {
            // Big enough that a small block size splits the file into many blocks.
            return 200 + _random.Next(400);
        }

        return roll < 4 ? 0 : _random.Next(1, 5);
    }

    private static bool IsSmall(AvroSchema schema) => schema.Type switch
    {
        AvroType.Null or AvroType.Boolean or AvroType.Int or AvroType.Long or AvroType.Float or AvroType.Double or AvroType.Enum => true,
        AvroType.Fixed => ((FixedSchema)schema).Size <= 16,
        _ => false,
    };

    private string MapKey(int index)
    {
        // JavaScript objects (which avsc uses for maps) enumerate integer-like keys first, in numeric order:
        // byte-identical comparisons with avsc need keys that are not integer-like.
        var key = _random.Next(3) == 0 ? EdgeStrings[_random.Next(EdgeStrings.Length)] : "k" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + RandomString();
        if (!_options.AllowIntegerLikeMapKeys && (IsIntegerLike(key) || key == "__proto__"))
        {
            key = "n" + key;
        }

        return key;
    }

    /// <summary>True for a canonical array-index string ("0", "42"), which JavaScript objects sort first.</summary>
    public static bool IsIntegerLike(string key) =>
        key.Length > 0 && key.Length <= 10 && key.All(char.IsAsciiDigit) && (key == "0" || key[0] != '0') && ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < uint.MaxValue;

    private string RandomString()
    {
        if (_random.Next(2) == 0)
        {
            return EdgeStrings[_random.Next(EdgeStrings.Length)];
        }

        var length = _random.Next(0, 12);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (_random.Next(6))
            {
                case 0:
                    builder.Append((char)_random.Next(0, 0x20)); // control characters, U+0000 included
                    break;
                case 1:
                    builder.Append(char.ConvertFromUtf32(_random.Next(0x10000, 0x110000))); // a surrogate pair
                    break;
                case 2:
                    var bmp = _random.Next(0x80, 0x10000);
                    builder.Append(bmp is >= 0xD800 and <= 0xDFFF ? '\u20ac' : (char)bmp);
                    break;
                default:
                    builder.Append((char)_random.Next(0x20, 0x7F));
                    break;
            }
        }

        return builder.ToString();
    }

    private byte[] RandomBytes(int length, bool allowAll)
    {
        if (allowAll && length == 256)
        {
            return AllBytes.ToArray();
        }

        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private float RandomFloat() => _random.Next(3) switch
    {
        0 => (float)(_random.NextDouble() * 1000 - 500),
        1 => BitConverter.Int32BitsToSingle(_random.Next() & 0x7F7FFFFF | (_random.Next(2) << 31)), // finite, any exponent
        _ => _random.Next(-100000, 100000),
    };

    private double RandomDouble() => _random.Next(3) switch
    {
        0 => _random.NextDouble() * 1e6 - 5e5,
        1 => BitConverter.Int64BitsToDouble(_random.NextInt64(0, 0x7FEFFFFFFFFFFFFF) | (_random.Next(2) == 0 ? 0 : long.MinValue)),
        _ => _random.NextInt64(-(1L << 53), 1L << 53),
    };
}

/// <summary>Knobs for <see cref="RandomDatums"/>.</summary>
public sealed record RandomDatumOptions
{
    /// <summary>Depth past which arrays and maps are empty and nullable unions are null.</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>Sometimes make arrays of small items hundreds long.</summary>
    public bool BigArrays { get; init; } = true;

    /// <summary>Allow map keys such as "0" and "42", which avsc reorders, and "__proto__", which avsc's decoder drops.</summary>
    public bool AllowIntegerLikeMapKeys { get; init; } = true;
}
