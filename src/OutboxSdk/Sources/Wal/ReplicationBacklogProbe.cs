namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The <see cref="IBacklogProbe"/> of the Replication relay. There is no queue: a message is undelivered while its
/// transaction is past the slot's last processed commit, which the positions table records with its commit time, so
/// the backlog is the rows written after that time (cheap with the BRIN index on created_at). It is a lower bound: a
/// transaction that began before that commit and committed after it is not counted. Table-less messages have no row
/// and never count; the slot's lag covers them. Retention need not keep any partition: the relay reads messages from
/// the WAL, which still holds the rows of a dropped partition.
/// </summary>
internal sealed class ReplicationBacklogProbe(string schema, ReplicationNaming naming) : IBacklogProbe
{
    private readonly ReplicationSql _sql = new(schema);

    public async Task<(long Count, TimeSpan OldestAge)> MeasureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var slot = (await naming.ResolveAsync(connection, cancellationToken).ConfigureAwait(false)).Slot;
        var command = new NpgsqlCommand(_sql.Backlog, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = slot } } };
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

    public Task<bool> HoldsUndeliveredAsync(NpgsqlConnection connection, string quotedPartition, CancellationToken cancellationToken) => Task.FromResult(false);
}
