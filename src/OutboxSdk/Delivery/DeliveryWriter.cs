namespace OutboxSdk.Delivery;

/// <summary>
/// The one writer of the rows a delivery leaves behind, for every source: an inbox row per handler that used the
/// context (the exactly-once record), and dead letters. Commands are returned for the caller's batch, so they commit
/// with what the source marks processed (a dequeue, a WAL position) in the delivery's transaction.
/// </summary>
internal sealed class DeliveryWriter
{
    /// <summary>How much of an error is kept in a dead letter or a retry's last error.</summary>
    public const int MaxErrorLength = 8000;

    private readonly string _insertInbox;
    private readonly string _deadLetter;
    private readonly string _deadLetterOutboxRow;

    public DeliveryWriter(string schema)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        _insertInbox = $"""INSERT INTO {s}."inbox" ("handler", "message_id") VALUES ($1, $2) ON CONFLICT DO NOTHING""";
        const string Columns = """("message_id", "source", "subject", "partition_key", "schema_fingerprint", "payload", "headers", "handler", "attempts", "error", "created_at")""";
        _deadLetter = $"""
            INSERT INTO {s}."dead_letters" {Columns}
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
            """;

        // A queued message is copied from its outbox row, headers and all: the queue's read carries only the traceparent.
        _deadLetterOutboxRow = $"""
            INSERT INTO {s}."dead_letters" {Columns}
            SELECT "message_id", '{EnvelopeSource.Outbox}', "subject", "partition_key", "schema_fingerprint", "payload", "headers", $3, $4, $5, "created_at"
            FROM {s}."messages" WHERE "id" = $1 AND "created_at" = $2
            """;
    }

    /// <summary>Records that <paramref name="handler"/> processed <paramref name="messageId"/>.</summary>
    public NpgsqlBatchCommand Inbox(string handler, Guid messageId) => new(_insertInbox)
    {
        Parameters = { new NpgsqlParameter<string> { TypedValue = handler }, new NpgsqlParameter<Guid> { TypedValue = messageId } },
    };

    /// <summary>A dead letter written from the envelope as the source read it (the WAL's events, rejected ones included).</summary>
    public NpgsqlBatchCommand DeadLetter(Envelope envelope, string? handler, int attempts, string error)
    {
        var noPayload = envelope.Payload.Length == 0 && envelope.Fingerprint == 0;
        return new NpgsqlBatchCommand(_deadLetter)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = envelope.MessageId == Guid.Empty ? DBNull.Value : envelope.MessageId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<string> { TypedValue = envelope.Source },
                new NpgsqlParameter<string> { TypedValue = envelope.Subject },
                new NpgsqlParameter { Value = (object?)envelope.PartitionKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = noPayload ? DBNull.Value : envelope.Fingerprint, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter { Value = noPayload ? DBNull.Value : envelope.Payload, NpgsqlDbType = NpgsqlDbType.Bytea },
                new NpgsqlParameter<string> { TypedValue = envelope.Headers },
                new NpgsqlParameter { Value = (object?)handler ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<int> { TypedValue = attempts },
                new NpgsqlParameter<string> { TypedValue = Truncate(error) },
                new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(envelope.CreatedAt, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
    }

    /// <summary>A dead letter copied from the outbox row (<paramref name="id"/>, <paramref name="createdAt"/>) of a queued message.</summary>
    public NpgsqlBatchCommand DeadLetterOutboxRow(long id, DateTime createdAt, string? handler, int attempts, string error) => new(_deadLetterOutboxRow)
    {
        Parameters =
        {
            new NpgsqlParameter<long> { TypedValue = id },
            new NpgsqlParameter<DateTime> { TypedValue = createdAt },
            new NpgsqlParameter { Value = (object?)handler ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter<int> { TypedValue = attempts },
            new NpgsqlParameter<string> { TypedValue = Truncate(error) },
        },
    };

    public static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
