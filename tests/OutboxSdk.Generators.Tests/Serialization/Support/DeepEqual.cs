using System.Collections;
using System.Reflection;

namespace OutboxSdk.Serialization.Tests.Support;

/// <summary>
/// Structural equality for round trips: collections by items, dictionaries by entries, objects by their public
/// properties and fields, and, stricter than Equals, DateTime with its Kind and DateTimeOffset with its offset.
/// </summary>
internal static class DeepEqual
{
    public static void Assert(object? expected, object? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, _):
                Xunit.Assert.True(actual is null, $"{path}: expected null, got {actual}");
                return;
            case (_, null):
                Xunit.Assert.Fail($"{path}: expected {expected}, got null");
                return;
            case (DateTime e, DateTime a):
                Xunit.Assert.True(e == a && e.Kind == a.Kind, $"{path}: expected {e:O} ({e.Kind}), got {a:O} ({a.Kind})");
                return;
            case (DateTimeOffset e, DateTimeOffset a):
                Xunit.Assert.True(e.EqualsExact(a), $"{path}: expected {e:O}, got {a:O}");
                return;
            case (ReadOnlyMemory<byte> e, ReadOnlyMemory<byte> a):
                Xunit.Assert.Equal(e.ToArray(), a.ToArray());
                return;
            case (string or decimal or Guid or DateOnly or TimeOnly or TimeSpan or Enum, _):
            case (_, _) when expected.GetType().IsPrimitive:
                Xunit.Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case (IDictionary e, IDictionary a):
                Xunit.Assert.Equal(e.Count, a.Count);
                foreach (DictionaryEntry entry in e)
                {
                    Xunit.Assert.True(a.Contains(entry.Key), $"{path}: key {entry.Key} missing");
                    Assert(entry.Value, a[entry.Key], path + "{" + entry.Key + "}");
                }

                return;
            case (IEnumerable e, IEnumerable a):
                var left = e.Cast<object?>().ToList();
                var right = a.Cast<object?>().ToList();
                Xunit.Assert.True(left.Count == right.Count, $"{path}: expected {left.Count} items, got {right.Count}");
                for (var i = 0; i < left.Count; i++)
                {
                    Assert(left[i], right[i], path + "[" + i + "]");
                }

                return;
        }

        Xunit.Assert.Equal(expected.GetType(), actual.GetType());
        foreach (var member in expected.GetType().GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            switch (member)
            {
                case PropertyInfo { CanRead: true } p when p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract":
                    Assert(p.GetValue(expected), p.GetValue(actual), path + "." + p.Name);
                    break;
                case FieldInfo f:
                    Assert(f.GetValue(expected), f.GetValue(actual), path + "." + f.Name);
                    break;
            }
        }
    }
}
