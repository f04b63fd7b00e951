using System.Globalization;
using System.Linq;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Parsing;

/// <summary>Checks an [AvroDefault] JSON value against the member's mapped type (see Avro spec, "Records", default values).</summary>
internal static class DefaultChecker
{
    /// <summary>Why the default does not fit, or null when it does.</summary>
    public static string? Explain(string json, TypeRef type)
    {
        var value = MiniJson.TryParse(json, out var error);
        return value is null ? "not valid JSON (" + error + "); write it as JSON, e.g. \"0\", \"\\\"text\\\"\" or \"null\"" : Explain(value, type);
    }

    private static string? Explain(JsonValue value, TypeRef type)
    {
        if (value is JsonValue.Null)
        {
            return type.IsNullable ? null : "null, but the member is not nullable";
        }

        switch (type.Kind)
        {
            case ValueKind.Boolean:
                return value is JsonValue.Bool ? null : "not true or false";
            case ValueKind.Int:
                return value is JsonValue.Number n && int.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "not a 32-bit integer";
            case ValueKind.Long or ValueKind.DateTime or ValueKind.DateTimeOffset or ValueKind.TimeOnly or ValueKind.TimeSpan:
                return value is JsonValue.Number l && long.TryParse(l.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "not a 64-bit integer (the underlying long)";
            case ValueKind.DateOnly:
                return value is JsonValue.Number d && int.TryParse(d.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "not a day number (the underlying int)";
            case ValueKind.Float or ValueKind.Double:
                return value is JsonValue.Number ? null : "not a number";
            case ValueKind.String or ValueKind.Guid:
                return value is JsonValue.Str ? null : "not a string";
            case ValueKind.Bytes or ValueKind.Memory or ValueKind.Decimal:
                return value is JsonValue.Str s && s.Value.All(c => c <= '\u00FF') ? null : "not a string of code points 0-255 (bytes)";
            case ValueKind.Enum:
                return value is JsonValue.Str ? null : "not a symbol string";
            case ValueKind.Array:
                return value is JsonValue.Arr a ? a.Items.Select(i => Explain(i, type.Element!)).FirstOrDefault(e => e is not null) : "not an array";
            case ValueKind.Map:
                return value is JsonValue.Obj o ? o.Members.Select(m => Explain(m.Value, type.Element!)).FirstOrDefault(e => e is not null) : "not an object";
            case ValueKind.Record:
                return value is JsonValue.Obj ? null : "not an object";
            default:
                return null;
        }
    }
}
