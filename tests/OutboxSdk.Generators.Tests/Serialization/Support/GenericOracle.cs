using System.Collections;
using System.Numerics;
using System.Reflection;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Serialization.Tests.Support;

/// <summary>
/// An independent statement of the type mapping: turns a C# value into the generic datum the Avro spec says it
/// is, by reflection over the schema, with its own arithmetic for the logical types (BigInteger for decimals,
/// TimeSpan arithmetic for timestamps). The generated codecs must agree with it byte for byte.
/// </summary>
internal static class GenericOracle
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static object? ToGeneric(object? value, AvroSchema schema)
    {
        if (schema is UnionSchema union)
        {
            return value is null ? null : ToGeneric(value, union.Branches.Single(b => b.Type != AvroType.Null));
        }

        Assert.NotNull(value);
        return schema.LogicalType?.Kind switch
        {
            LogicalTypeKind.Uuid => ((Guid)value).ToString("D"),
            LogicalTypeKind.TimestampMicros => Micros(value),
            LogicalTypeKind.Date => ((DateOnly)value).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
            LogicalTypeKind.TimeMicros => ((TimeOnly)value).ToTimeSpan().Ticks / 10,
            LogicalTypeKind.Decimal => Unscaled((decimal)value, schema.LogicalType.Scale),
            _ => Plain(value, schema),
        };
    }

    private static object Plain(object value, AvroSchema schema) => schema switch
    {
        RecordSchema record => Record(value, record),
        EnumSchema e => new GenericEnum(e, value.ToString()!),
        ArraySchema array => ((IEnumerable)value).Cast<object?>().Select(item => ToGeneric(item, array.Items)).ToList(),
        MapSchema map => Map((IDictionary)value, map),
        _ when schema.Type == AvroType.Bytes => value is ReadOnlyMemory<byte> memory ? memory.ToArray() : (byte[])value,
        _ when schema.Type == AvroType.Long && value is TimeSpan span => span.Ticks / 10,
        _ => value,
    };

    private static Dictionary<string, object?> Map(IDictionary dictionary, MapSchema schema)
    {
        var result = new Dictionary<string, object?>();
        foreach (DictionaryEntry entry in dictionary)
        {
            result.Add((string)entry.Key, ToGeneric(entry.Value, schema.Values));
        }

        return result;
    }

    private static GenericRecord Record(object value, RecordSchema schema)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            record[field.Position] = ToGeneric(MemberValue(value, field.Name), field.Schema);
        }

        return record;
    }

    /// <summary>The public property or field whose [AvroName], else whose name, is the field's name.</summary>
    private static object? MemberValue(object value, string fieldName)
    {
        var members = value.GetType().GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is PropertyInfo or FieldInfo)
            .Where(m => (m.GetCustomAttribute<AvroNameAttribute>()?.Name ?? m.Name) == fieldName)
            .ToList();
        return Assert.Single(members) switch
        {
            PropertyInfo p => p.GetValue(value),
            FieldInfo f => f.GetValue(value),
            _ => throw new InvalidOperationException(),
        };
    }

    private static long Micros(object value)
    {
        var utc = value switch
        {
            DateTimeOffset offset => offset.UtcDateTime,
            DateTime { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
            DateTime other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
            _ => throw new InvalidOperationException(value.GetType().Name),
        };
        var ticks = (utc - Epoch).Ticks;
        return (long)Math.Floor(ticks / 10.0m); // floor: a timestamp before 1970 rounds down too
    }

    /// <summary>value × 10^scale exactly, from the decimal's own digits, as minimal big-endian two's complement.</summary>
    private static byte[] Unscaled(decimal value, int scale)
    {
        var bits = decimal.GetBits(value);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var valueScale = (bits[3] >> 16) & 0xFF;
        var sign = bits[3] < 0 ? -1 : 1;
        var scaled = valueScale <= scale
            ? mantissa * BigInteger.Pow(10, scale - valueScale)
            : BigInteger.DivRem(mantissa, BigInteger.Pow(10, valueScale - scale), out var remainder) is var q && remainder.IsZero ? q : throw new InvalidOperationException("extra digits");
        return (sign * scaled).ToByteArray(isUnsigned: false, isBigEndian: true);
    }
}
