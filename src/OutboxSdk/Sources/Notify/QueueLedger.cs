namespace OutboxSdk.Sources.Notify;

/// <summary>
/// What "processed" means in Notify mode: a message is processed when its queue row is gone. The claim reads due
/// rows; a delivery's
/// transaction dequeues (deletes, so locks) its rows first; they come back if it rolls back. Rows dequeued but not
/// delivered are put back unchanged; a failed attempt is recorded on the row (attempts, next attempt, last error).
/// </summary>
internal sealed class QueueLedger(RelaySql sql)
{
    private static readonly ILookup<Guid, string> NoInbox = Array.Empty<(Guid, string)>().ToLookup(e => e.Item1, e => e.Item2);

    /// <summary>
    /// Reads up to <paramref name="limit"/> due rows in id order, except those in flight (<paramref name="exclude"/>)
    /// and those behind a row of their key that waits for a retry; the dispatcher hands them to their keys' queues.
    /// </summary>
    public async Task<List<ClaimedMessage>> ClaimAsync(NpgsqlDataSource dataSource, int limit, long[] exclude, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(sql.Claim, connection);
            await using var _ = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            command.Parameters.Add(new NpgsqlParameter { Value = exclude });

            // Claims run about once per notification: a prepared statement (kept by the pooled physical connection,
            // so this is free after its first use there) saves parsing and planning the join every time.
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var messages = new List<ClaimedMessage>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var createdAt = reader.GetDateTime(1);
                    messages.Add(new ClaimedMessage(reader.GetInt64(0), createdAt, reader.GetInt32(2), reader.IsDBNull(6) ? null : reader.GetString(6),
                        ClaimedMessage.ReadMessage(reader, 3, createdAt)));
                }

                return messages;
            }
        }
    }

    /// <summary>
    /// Dequeues the rows of <paramref name="batch"/>, replacing each locked entry of <paramref name="group"/> with the
    /// message as read now; returns the inbox and the rows it got (those it did not are held elsewhere or refused).
    /// </summary>
    public async Task<(ILookup<Guid, string> Inbox, Dictionary<long, PendingRow> Rows)> DequeueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage[] group, List<int> batch, CancellationToken cancellationToken)
    {
        var ids = new long[batch.Count];
        var positions = new Dictionary<long, int>(batch.Count);
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = group[batch[i]].Id;
            positions[ids[i]] = batch[i];
        }

        // Postgres would plan this statement afresh on every run (a custom plan over the partitioned messages table cost
        // ~0.65 ms of server CPU per call, more than the rest of the delivery), so it runs under a generic plan,
        // made once per connection. Only for this statement: a handler using the delivery's transaction through
        // IOutboxContext keeps the session's own plan_cache_mode.
        var command = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"),
                new NpgsqlBatchCommand(sql.LockRun) { Parameters = { new() { Value = ids } } },
                new NpgsqlBatchCommand("SET LOCAL plan_cache_mode TO DEFAULT"),
            },
        };
        await using (command.ConfigureAwait(false))
        {
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false); // free once the connection has it
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                    // past the SET's empty result
                }

                var got = new Dictionary<long, PendingRow>(batch.Count);
                List<(Guid, string)>? inbox = null;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var id = reader.GetInt64(0);
                    var createdAt = reader.GetDateTime(1);
                    var partitionKey = reader.IsDBNull(2) ? null : reader.GetString(2);
                    var attempts = reader.GetInt32(3);
                    got[id] = new PendingRow(
                        id, createdAt, partitionKey, attempts,
                        reader.IsDBNull(4) ? null : reader.GetDateTime(4), reader.IsDBNull(5) ? null : reader.GetString(5));
                    var message = ClaimedMessage.ReadMessage(reader, 6, createdAt);
                    group[positions[id]] = new ClaimedMessage(id, createdAt, attempts, message?.PartitionKey, message);
                    if (message is not null)
                    {
                        foreach (var handler in reader.GetFieldValue<string[]>(13))
                        {
                            (inbox ??= []).Add((message.MessageId, handler));
                        }
                    }
                }

                return (inbox is null ? NoInbox : inbox.ToLookup(e => e.Item1, e => e.Item2), got);
            }
        }
    }

    /// <summary>Removes rows from the queue outside a dequeue (after a rollback, for messages that completed before it).</summary>
    public NpgsqlBatchCommand Complete(long[] ids) => new(sql.CompleteMany) { Parameters = { new() { Value = ids } } };

    /// <summary>Puts back rows a transaction dequeued but will not deliver.</summary>
    public NpgsqlBatchCommand Requeue(List<PendingRow> rows) => new(sql.Requeue)
    {
        Parameters =
        {
            new() { Value = rows.Select(r => r.Id).ToArray() },
            new() { Value = rows.Select(r => r.CreatedAt).ToArray() },
            new() { Value = rows.Select(r => r.PartitionKey).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new() { Value = rows.Select(r => r.Attempts).ToArray() },
            new() { Value = rows.Select(r => r.NextAttemptAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            new() { Value = rows.Select(r => r.LastError).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        },
    };

    /// <summary>Records failed attempt number <paramref name="attempt"/> on the row; it is due again after <paramref name="delay"/>.</summary>
    public NpgsqlBatchCommand ScheduleRetry(long id, int attempt, TimeSpan delay, string error) => new(sql.ScheduleRetry)
    {
        Parameters = { new() { Value = id }, new() { Value = attempt }, new() { Value = delay }, new() { Value = error } },
    };
}

/// <summary>A queue row as a delivery's transaction dequeued it, so it can be put back unchanged.</summary>
internal sealed record PendingRow(long Id, DateTime CreatedAt, string? PartitionKey, int Attempts, DateTime? NextAttemptAt, string? LastError);
