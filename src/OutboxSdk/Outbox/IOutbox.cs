using OutboxSdk.Avro.Serialization;

namespace OutboxSdk;

/// <summary>
/// Writes messages in the caller's transaction: a message exists if and only if that transaction commits.
/// </summary>
public interface IOutbox
{
    /// <summary>Writes <paramref name="message"/> (Avro single-object bytes plus headers) in <paramref name="transaction"/>.</summary>
    Task PublishAsync<T>(T message, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>;

    /// <summary>Writes many messages in <paramref name="transaction"/> with one binary COPY.</summary>
    Task PublishBatchAsync<T>(IReadOnlyCollection<T> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where T : IAvroSerializable<T>;
}
