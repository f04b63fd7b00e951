using System.Text.Json;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The dead letter payload of a row change that does not convert: the row as a JSON object of its columns, text
/// values as they are, binary ones as <c>\x</c> hex (what <c>bytea</c> output looks like), NULL as null and an
/// unchanged TOAST value as the string "(unchanged toast)", so an operator sees what the table held.
/// </summary>
internal static class RowPayload
{
    public static byte[] Of(RowChanged change)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("operation", change.Operation.ToString().ToLowerInvariant());
            Write(json, "before", change.OldRow);
            Write(json, "after", change.NewRow);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter json, string name, PgRow? row)
    {
        if (row is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        for (var i = 0; i < row.Count; i++)
        {
            var column = row.Relation.Columns[i];
            switch (row.KindAt(i))
            {
                case PgColumnKind.Null:
                    json.WriteNull(column);
                    break;
                case PgColumnKind.UnchangedToast:
                    json.WriteString(column, "(unchanged toast)");
                    break;
                case PgColumnKind.Text:
                    json.WriteString(column, System.Text.Encoding.UTF8.GetString(row.ValueAt(i)));
                    break;
                default:
                    json.WriteString(column, "\\x" + Convert.ToHexStringLower(row.ValueAt(i)));
                    break;
            }
        }

        json.WriteEndObject();
    }
}
