using System.Collections;

namespace OutboxSdk.Avro.Generic;

/// <summary>
/// Deep equality of generic datums: byte arrays by content, lists by items, maps by entries, and floats by
/// bits so that NaN equals NaN and 0.0 differs from -0.0 (round trips must keep both).
/// </summary>
public static class GenericEquality
{
    /// <summary>True when two generic datums are equal.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        return (a, b) switch
        {
            (null, _) => b is null,
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (float x, float y) => (float.IsNaN(x) && float.IsNaN(y)) || BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y),
            (double x, double y) => (double.IsNaN(x) && double.IsNaN(y)) || BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
            (byte[] or float or double, _) => false,
            (IDictionary x, IDictionary y) => MapsEqual(x, y),
            (IDictionary, _) => false,
            (IList x, IList y) => ListsEqual(x, y),
            (IList, _) => false,
            _ => a.Equals(b),
        };
    }

    private static bool ListsEqual(IList x, IList y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (!AreEqual(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MapsEqual(IDictionary x, IDictionary y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        foreach (DictionaryEntry entry in x)
        {
            if (!y.Contains(entry.Key) || !AreEqual(entry.Value, y[entry.Key]))
            {
                return false;
            }
        }

        return true;
    }
}
