using OutboxSdk.Avro.Serialization;
using OutboxSdk.Registration;
using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Outbox;

/// <summary>
/// The table-less write path (<see cref="OutboxWriteMode.LogicalMessage"/>): each message becomes a transactional
/// logical decoding message, <c>pg_logical_emit_message(true, prefix, content)</c>, in the caller's transaction.
/// It is in the WAL, and so in the Replication relay's stream, if and only if that transaction commits, and it
/// leaves nothing in a table to retain or clean up. The content is <see cref="LogicalMessageFraming"/>.
/// </summary>
internal sealed class LogicalMessageWriter(string prefix)
{
    private const string Emit = "SELECT pg_logical_emit_message(true, $1, $2)";

    public async Task PublishAsync<T>(OutboxMessageType type, T message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        where T : IAvroSerializable<T>
    {
        var batch = BatchIn(transaction);
        await using (batch.ConfigureAwait(false))
        {
            var messageId = Guid.CreateVersion7();
            using var span = OutboxTelemetry.Instrumentation.StartPublish(type.Subject, messageId, out _);
            batch.BatchCommands.Add(Command(type, message, messageId, new ArrayBufferWriter<byte>(256)));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        OutboxTelemetry.Instrumentation.Published(type.Subject);
    }

    /// <summary>One round trip for the whole batch; the messages keep the collection's order in the WAL.</summary>
    public async Task PublishBatchAsync<T>(OutboxMessageType type, IReadOnlyCollection<T> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        where T : IAvroSerializable<T>
    {
        var batch = BatchIn(transaction);
        await using (batch.ConfigureAwait(false))
        {
            if (messages.Count == 0)
            {
                return;
            }

            var payload = new ArrayBufferWriter<byte>(256);
            foreach (var message in messages)
            {
                batch.BatchCommands.Add(Command(type, message, Guid.CreateVersion7(), payload));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        OutboxTelemetry.Instrumentation.Published(type.Subject, messages.Count);
    }

    private NpgsqlBatchCommand Command<T>(OutboxMessageType type, T message, Guid messageId, ArrayBufferWriter<byte> payload)
        where T : IAvroSerializable<T>
    {
        payload.ResetWrittenCount();
        AvroSerializer.SerializeSingleObject(message, payload);
        var content = LogicalMessageFraming.Encode(messageId, type.Subject, type.PartitionKeyOf(message), type.Fingerprint, OutboxHeaders.Create(messageId), payload.WrittenSpan);
        return new NpgsqlBatchCommand(Emit)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = prefix },
                new NpgsqlParameter<byte[]> { TypedValue = content, NpgsqlDbType = NpgsqlDbType.Bytea },
            },
        };
    }

    private static NpgsqlBatch BatchIn(NpgsqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        try
        {
            return new NpgsqlBatch(transaction.Connection ?? throw new InvalidOperationException("no connection"), transaction);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException("The transaction has already been committed or rolled back: publish inside an open transaction.", nameof(transaction), e);
        }
    }
}
