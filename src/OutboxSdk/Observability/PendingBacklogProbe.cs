namespace OutboxSdk.Observability;

/// <summary>
/// The <see cref="IBacklogProbe"/> of the Notify relay: a message is undelivered while its row is in the relay's
/// queue table <c>pending</c> (filled by a trigger in the writer's transaction, emptied when the handlers succeed
/// or the message is dead-lettered; docs/relay.md). Before the relay has ever started there is no queue, and every
/// message counts as undelivered.
/// </summary>
internal sealed class PendingBacklogProbe(string schema) : IBacklogProbe
{
    private readonly string _schema = OutboxSchema.QuoteIdentifier(schema);

    public async Task<(long Count, TimeSpan OldestAge)> MeasureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var source = await HasQueueAsync(connection, cancellationToken).ConfigureAwait(false) ? "pending" : "messages";

        // clock_timestamp(), not now(): the server's clock at the moment of the query, the clock that wrote
        // created_at, so client clock skew does not distort the age.
        var command = new NpgsqlCommand($"""
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min("created_at")), 0)::float8
            FROM {_schema}."{source}"
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
        var text = await HasQueueAsync(connection, cancellationToken).ConfigureAwait(false)
            ? $"SELECT EXISTS (SELECT 1 FROM {quotedPartition} m JOIN {_schema}.\"pending\" p ON p.\"id\" = m.\"id\" AND p.\"created_at\" = m.\"created_at\")"
            : $"SELECT EXISTS (SELECT 1 FROM {quotedPartition})";
        var command = new NpgsqlCommand(text, connection);
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task<bool> HasQueueAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = _schema + ".\"pending\"" } } };
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
