using OutboxSdk.Delivery;
using System.Text.Json;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Reads an inserted <c>messages</c> row, in text or binary format, into a <see cref="Envelope"/>. Column
/// positions are looked up once per relation (a Relation message gives a new <see cref="PgRelation"/>).
/// </summary>
internal sealed class OutboxRowReader
{
    private PgRelation? _relation;
    private int[] _columns = [];

    /// <summary>The message, or a <see cref="FormatException"/> saying which column is wrong.</summary>
    public Envelope Read(PgRow row)
    {
        if (!ReferenceEquals(row.Relation, _relation))
        {
            _columns = [.. new[] { "message_id", "subject", "partition_key", "schema_fingerprint", "payload", "headers", "created_at" }.Select(row.RequireColumn)];
            _relation = row.Relation;
        }

        var headers = Headers(row, _columns[5]);
        return new Envelope(
            row.Parse(_columns[0], PgValue.ReadUuid),
            row.Parse(_columns[1], PgValue.ReadText),
            row.KindAt(_columns[2]) == PgColumnKind.Null ? null : row.Parse(_columns[2], PgValue.ReadText),
            row.Parse(_columns[3], PgValue.ReadInt64),
            row.Parse(_columns[4], PgValue.ReadBytes),
            headers,
            TraceParentOf(headers),
            row.Parse(_columns[6], PgValue.ReadDateTime),
            EnvelopeSource.Outbox);
    }

    /// <summary>jsonb's binary format is a version byte (1) before the text.</summary>
    private static string Headers(PgRow row, int index) => row.KindAt(index) switch
    {
        PgColumnKind.Binary => row.ValueAt(index) is [1, .. var text] ? Encoding.UTF8.GetString(text) : throw new FormatException("the headers column is not jsonb version 1"),
        PgColumnKind.Text => Encoding.UTF8.GetString(row.ValueAt(index)),
        _ => "{}",
    };

    /// <summary>The <c>traceparent</c> header, read without building a document.</summary>
    public static string? TraceParentOf(string headers)
    {
        if (!headers.Contains(OutboxTelemetry.TraceParentHeader, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(headers));
            while (reader.Read())
            {
                if (reader is { TokenType: JsonTokenType.PropertyName, CurrentDepth: 1 } && reader.ValueTextEquals(OutboxTelemetry.TraceParentHeader))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            // A malformed header only costs the trace link.
        }

        return null;
    }
}
