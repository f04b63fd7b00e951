using System.Text;
using System.Text.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Cli.Schemas;

/// <summary>
/// What schema resolution reads that the Parsing Canonical Form drops: field defaults, field aliases, type
/// aliases and enum defaults. Two versions with one canonical form but different resolution forms resolve
/// differently (a dropped default breaks readers), so the export treats them as different versions.
/// </summary>
internal static class ResolutionForm
{
    public static string Of(AvroSchema schema)
    {
        var text = new StringBuilder();
        Walk(schema, text, new HashSet<string>(StringComparer.Ordinal));
        return text.ToString();
    }

    private static void Walk(AvroSchema schema, StringBuilder text, HashSet<string> seen)
    {
        if (schema is NamedSchema named && !seen.Add(named.FullName))
        {
            return;
        }

        switch (schema)
        {
            case RecordSchema record:
                text.Append(record.FullName).Append(" aliases ").AppendJoin(',', record.Aliases).Append('\n');
                foreach (var field in record.Fields)
                {
                    text.Append(record.FullName).Append('.').Append(field.Name).Append(" aliases ").AppendJoin(',', field.Aliases)
                        .Append(" default ").Append(field.Default is { } value ? Compact(value) : "-").Append('\n');
                    Walk(field.Schema, text, seen);
                }

                break;
            case EnumSchema enumSchema:
                text.Append(enumSchema.FullName).Append(" aliases ").AppendJoin(',', enumSchema.Aliases)
                    .Append(" default ").Append(enumSchema.Default ?? "-").Append('\n');
                break;
            case FixedSchema fixedSchema:
                text.Append(fixedSchema.FullName).Append(" aliases ").AppendJoin(',', fixedSchema.Aliases).Append('\n');
                break;
            case ArraySchema array:
                Walk(array.Items, text, seen);
                break;
            case MapSchema map:
                Walk(map.Values, text, seen);
                break;
            case UnionSchema union:
                foreach (var branch in union.Branches)
                {
                    Walk(branch, text, seen);
                }

                break;
        }
    }

    // The default as compact JSON, so that a reformatted history file compares equal.
    private static string Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
