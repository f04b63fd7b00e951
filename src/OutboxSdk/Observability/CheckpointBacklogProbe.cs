using Npgsql;
using OutboxSdk.Schema;

namespace OutboxSdk.Observability;

/// <summary>
/// The default <see cref="IBacklogProbe"/>. Assumption (to revisit when the relay's delivery state is final): the
/// relay records a delivered high-water mark in <c>checkpoints</c> row <c>name = 'relay'</c>, column
/// <c>message_id</c> (the <c>messages.id</c> below which everything is delivered or dead-lettered). Undelivered means
/// <c>id &gt; mark</c>; no row means nothing is delivered yet.
/// </summary>
internal sealed class CheckpointBacklogProbe(string schema) : IBacklogProbe
{
    /// <summary>The checkpoint row the relay advances.</summary>
    public const string CheckpointName = "relay";

    private readonly string _messages = OutboxSchema.QuoteIdentifier(schema) + ".\"messages\"";
    private readonly string _mark = $"""
        COALESCE((SELECT "message_id" FROM {OutboxSchema.QuoteIdentifier(schema)}."checkpoints" WHERE "name" = '{CheckpointName}'), 0)
        """;

    public async Task<(long Count, TimeSpan OldestAge)> MeasureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // clock_timestamp(), not now(): the age is measured against the server's clock at the moment of the query,
        // the same clock that wrote created_at, so client clock skew does not distort it.
        var command = new NpgsqlCommand($"""
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min("created_at")), 0)::float8
            FROM {_messages} WHERE "id" > {_mark}
            """, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (reader.GetInt64(0), TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(1))));
            }
        }
    }

    public async Task<bool> HoldsUndeliveredAsync(NpgsqlConnection connection, string quotedPartition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Equivalent to max(id) > mark, answered from the (id, created_at) primary key index.
        var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {quotedPartition} WHERE \"id\" > {_mark})", connection);
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
