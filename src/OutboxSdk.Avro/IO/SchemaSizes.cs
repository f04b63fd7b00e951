using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.IO;

/// <summary>Facts about encoded sizes that let readers reject impossible lengths before allocating.</summary>
internal static class SchemaSizes
{
    /// <summary>The fewest bytes a datum of <paramref name="schema"/> can take (0 for null, fixed(0), empty records).</summary>
    public static int MinEncodedSize(AvroSchema schema) => MinEncodedSize(schema, null);

    private static int MinEncodedSize(AvroSchema schema, HashSet<string>? visiting)
    {
        switch (schema.Type)
        {
            case AvroType.Null:
                return 0;
            case AvroType.Float:
                return 4;
            case AvroType.Double:
                return 8;
            case AvroType.Fixed:
                return ((FixedSchema)schema).Size;
            case AvroType.Record:
                var record = (RecordSchema)schema;
                visiting ??= new HashSet<string>(StringComparer.Ordinal);
                if (!visiting.Add(record.FullName))
                {
                    return 0;
                }

                var total = 0;
                foreach (var field in record.Fields)
                {
                    total = (int)Math.Min(int.MaxValue, (long)total + MinEncodedSize(field.Schema, visiting));
                }

                visiting.Remove(record.FullName);
                return total;
            default:
                // boolean, int, long, bytes, string, enum, array, map and union all take at least one byte.
                return 1;
        }
    }
}
