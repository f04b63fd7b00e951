using System.Collections;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Properties;

/// <summary>Comparison and printing of generic datums for reproducible failure messages.</summary>
public static class DatumAssert
{
    /// <summary>The JSON encoding of a datum, or a note when even that fails.</summary>
    public static string Json(AvroSchema schema, object? datum)
    {
        try
        {
            return AvroJson.Serialize(schema, datum);
        }
        catch (Exception e) when (e is AvroException or InvalidCastException or InvalidOperationException)
        {
            return $"<no JSON: {e.GetType().Name}: {e.Message}>";
        }
    }

    /// <summary>Everything needed to reproduce a failure: seed, schema, datum.</summary>
    public static string Context(string what, int seed, AvroSchema schema, object? datum) =>
        $"{what} (seed {seed}){Environment.NewLine}schema: {schema}{Environment.NewLine}datum:  {Json(schema, datum)}";

    /// <summary>
    /// Like <see cref="GenericEquality.AreEqual"/>, except that any NaN equals any NaN (other implementations do
    /// not keep NaN payloads or sign) while 0.0 and -0.0 still differ.
    /// </summary>
    public static bool LooselyEqual(object? a, object? b) => (a, b) switch
    {
        (null, _) => b is null,
        (float x, float y) => float.IsNaN(x) ? float.IsNaN(y) : BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y),
        (double x, double y) => double.IsNaN(x) ? double.IsNaN(y) : BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        (GenericRecord x, GenericRecord y) => x.Schema.FullName == y.Schema.FullName && x.Schema.Fields.Count == y.Schema.Fields.Count
            && Enumerable.Range(0, x.Schema.Fields.Count).All(i => LooselyEqual(x[i], y[i])),
        (IDictionary x, IDictionary y) => x.Count == y.Count && x.Keys.Cast<object>().All(k => y.Contains(k) && LooselyEqual(x[k], y[k])),
        (byte[], _) => GenericEquality.AreEqual(a, b),
        (IList x, IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => LooselyEqual(x[i], y[i])),
        _ => GenericEquality.AreEqual(a, b),
    };

    /// <summary>Where two datums first differ by <see cref="LooselyEqual"/> ("$.f[2]"), or null when they do not.</summary>
    public static string? FirstDifference(object? a, object? b, string path = "$")
    {
        if (LooselyEqual(a, b))
        {
            return null;
        }

        switch (a, b)
        {
            case (GenericRecord x, GenericRecord y) when x.Schema.FullName == y.Schema.FullName && x.Schema.Fields.Count == y.Schema.Fields.Count:
                foreach (var field in x.Schema.Fields)
                {
                    if (FirstDifference(x[field.Position], y[field.Position], path + "." + field.Name) is { } inner)
                    {
                        return inner;
                    }
                }

                break;
            case (IDictionary x, IDictionary y):
                foreach (var key in x.Keys)
                {
                    if (!y.Contains(key))
                    {
                        return $"{path}[\"{key}\"] (missing on the right)";
                    }

                    if (FirstDifference(x[key], y[key], $"{path}[\"{key}\"]") is { } inner)
                    {
                        return inner;
                    }
                }

                return $"{path} (extra keys on the right: {string.Join(", ", y.Keys.Cast<object>().Where(k => !x.Contains(k)))})";
            case (byte[], _):
                break;
            case (IList x, IList y) when x.Count == y.Count:
                for (var i = 0; i < x.Count; i++)
                {
                    if (FirstDifference(x[i], y[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                break;
        }

        return $"{path}: {Show(a)} vs {Show(b)}";
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "bytes " + Convert.ToHexStringLower(bytes),
        float f => $"float {f:R} (bits {BitConverter.SingleToInt32Bits(f):x8})",
        double d => $"double {d:R} (bits {BitConverter.DoubleToInt64Bits(d):x16})",
        string s => "\"" + s + "\" (" + string.Join(' ', s.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))) + ")",
        IList l => $"{value.GetType().Name} of {l.Count}",
        _ => $"{value.GetType().Name} {value}",
    };

    /// <summary>True when the datum holds a float or double NaN anywhere.</summary>
    public static bool ContainsNaN(object? datum) => datum switch
    {
        float f => float.IsNaN(f),
        double d => double.IsNaN(d),
        GenericRecord r => Enumerable.Range(0, r.Schema.Fields.Count).Any(i => ContainsNaN(r[i])),
        IDictionary m => m.Values.Cast<object?>().Any(ContainsNaN),
        byte[] => false,
        IList l => l.Cast<object?>().Any(ContainsNaN),
        _ => false,
    };
}
