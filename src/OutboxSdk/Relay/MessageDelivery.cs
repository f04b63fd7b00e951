using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;

namespace OutboxSdk.Relay;

/// <summary>
/// Delivers a group of messages — those of one or more partition keys, each key's in id order — in as few
/// transactions as the exactly-once contract allows. A transaction dequeues (and so locks) the group's rows, runs
/// each message's handlers not yet in the inbox in a new DI scope, and commits once at the end, so under load many
/// keys share one dequeue and one commit. A message whose handlers used <see cref="IOutboxContext"/> ends the
/// transaction right after it — its writes, inbox rows and dequeue commit together — so a transaction never holds
/// context writes of an earlier message when a later one fails. On a failure the transaction rolls back; the
/// messages before the failed one (which wrote nothing through the context) are dequeued again and a retry, or the
/// dead letter, is recorded for the failed one, in one implicit transaction; the failed message's key stops there
/// and the other keys' remaining messages go on in the next transaction.
/// </summary>
internal sealed class MessageDelivery(
    RelaySql sql,
    NpgsqlDataSource dataSource,
    MessageHandlers handlers,
    OutboxOptions options,
    ILogger logger)
{
    private static readonly ILookup<Guid, string> NoInbox = Array.Empty<(Guid, string)>().ToLookup(e => e.Item1, e => e.Item2);

    // Subjects whose handlers used the context: a transaction is cut right after such a message, so the rows behind
    // it need not be dequeued only to be put back at its early commit. Learnt, so it only ever saves work.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _contextSubjects = new(StringComparer.Ordinal);

    /// <summary>Raised with the delay of each scheduled retry, so the relay wakes up when it is due.</summary>
    public event Action<TimeSpan>? RetryScheduled;

    /// <summary>
    /// Delivers <paramref name="group"/> (any interleaving of keys, each key's messages in id order), recording in
    /// <paramref name="states"/> what became of each; on return every message is Completed or Stopped, and a key's
    /// Completed messages come before its Stopped ones. A notified message carries only its id and key: the dequeue
    /// replaces it in <paramref name="group"/> with the message as read. When this throws, what was recorded so far holds.
    /// </summary>
    public async Task DeliverAsync(NpgsqlConnection connection, ClaimedMessage[] group, DeliveryState[] states, CancellationToken stopping)
    {
        var stoppedKeys = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<int>();
        while (NextBatch(group, states, stoppedKeys, batch))
        {
            await DeliverInOneTransactionAsync(connection, group, states, batch, stoppedKeys, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The pending messages of keys still going, up to and including the first of a subject known to use the context.</summary>
    private bool NextBatch(ClaimedMessage[] group, DeliveryState[] states, HashSet<string> stoppedKeys, List<int> batch)
    {
        batch.Clear();
        for (var i = 0; i < group.Length; i++)
        {
            if (states[i] != DeliveryState.Pending)
            {
                continue;
            }

            if (stoppedKeys.Contains(group[i].OrderingKey))
            {
                states[i] = DeliveryState.Stopped;
                continue;
            }

            batch.Add(i);
            if (group[i].Subject.Length > 0 && _contextSubjects.ContainsKey(group[i].Subject))
            {
                break;
            }
        }

        return batch.Count > 0;
    }

    private async Task DeliverInOneTransactionAsync(NpgsqlConnection connection, ClaimedMessage[] group, DeliveryState[] states, List<int> batch, HashSet<string> stoppedKeys, CancellationToken stopping)
    {
        var backend = connection.ProcessID;
        var transaction = await connection.BeginTransactionAsync(stopping).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var (inbox, rows) = await LockAsync(connection, transaction, group, batch, stopping).ConfigureAwait(false);

            // Only a gap-free prefix of each key can be delivered: a row held elsewhere, or refused for order,
            // stops its key there.
            var deliverable = new List<int>(batch.Count);
            foreach (var i in batch)
            {
                var key = group[i].OrderingKey;
                if (stoppedKeys.Contains(key))
                {
                    states[i] = DeliveryState.Stopped;
                }
                else if (rows.ContainsKey(group[i].Id))
                {
                    deliverable.Add(i);
                }
                else
                {
                    states[i] = DeliveryState.Stopped;
                    stoppedKeys.Add(key);
                }
            }

            var done = new List<int>(deliverable.Count);
            foreach (var i in deliverable)
            {
                var message = group[i];
                HandlerResult result;
                try
                {
                    result = await handlers.RunAsync(message, inbox, connection, transaction, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Work the handlers finished is committed even when the host is stopping: dropping it would
                    // only turn delivered messages into duplicates. The interrupted message's writes roll back.
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    await AfterRollbackAsync(connection, group, done, null, default, CancellationToken.None).ConfigureAwait(false);
                    Mark(states, done, DeliveryState.Completed);
                    throw;
                }

                if (result.Failure is not null)
                {
                    // The other keys' messages not run yet stay Pending: the next transaction takes them.
                    var abandoned = result.Failure as HandlerAbandonedException;
                    var rolledBack = abandoned is null && await TryRollbackAsync(transaction).ConfigureAwait(false);
                    if (!rolledBack)
                    {
                        // The connection is still busy (an abandoned handler's command) or broken, and its session
                        // may still hold the group's rows: end the session from outside — its transaction rolls back
                        // and the locks go — then record the attempt on another connection.
                        await EndSessionAsync(backend).ConfigureAwait(false);
                    }

                    var deadLettered = await AfterRollbackAsync(rolledBack ? connection : null, group, done, i, result, stopping).ConfigureAwait(false);
                    Mark(states, done, DeliveryState.Completed);
                    states[i] = deadLettered ? DeliveryState.Completed : DeliveryState.Stopped;
                    if (!deadLettered)
                    {
                        stoppedKeys.Add(message.OrderingKey);
                    }

                    if (!rolledBack)
                    {
                        throw new DeliveryConnectionLostException(result.Failure, abandoned?.Running ?? Task.CompletedTask);
                    }

                    return;
                }

                done.Add(i);
                if (result.Inbox.Count > 0 || result.DeadLetterReason is not null)
                {
                    // A boundary: what this message wrote commits with its inbox rows and its dequeue, now; the
                    // rows dequeued behind it go back in the same commit.
                    if (result.Inbox.Count > 0)
                    {
                        _contextSubjects.TryAdd(message.Subject, true);
                    }

                    await CommitAsync(connection, transaction, message, result, NotDelivered(group, batch, done, rows), CancellationToken.None).ConfigureAwait(false);
                    Mark(states, done, DeliveryState.Completed);
                    return;
                }
            }

            await CommitAsync(connection, transaction, null, default, NotDelivered(group, batch, done, rows), CancellationToken.None).ConfigureAwait(false);
            Mark(states, done, DeliveryState.Completed);
        }
    }

    private static void Mark(DeliveryState[] states, List<int> indexes, DeliveryState state)
    {
        foreach (var i in indexes)
        {
            states[i] = state;
        }
    }

    /// <summary>
    /// Dequeues the rows of <paramref name="batch"/>, replacing each locked entry of <paramref name="group"/> with the
    /// message as read now; returns the inbox and the rows it got (those it did not are held elsewhere or refused).
    /// </summary>
    private async Task<(ILookup<Guid, string> Inbox, Dictionary<long, PendingRow> Rows)> LockAsync(
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
                    var attempts = reader.GetInt32(3);
                    got[id] = new PendingRow(
                        id, createdAt, reader.IsDBNull(2) ? null : reader.GetString(2), attempts,
                        reader.IsDBNull(4) ? null : reader.GetDateTime(4), reader.IsDBNull(5) ? null : reader.GetString(5));
                    var exists = reader.GetBoolean(6);
                    var message = new ClaimedMessage(
                        id,
                        createdAt,
                        attempts,
                        exists,
                        exists ? reader.GetGuid(7) : Guid.Empty,
                        exists ? reader.GetString(8) : "",
                        exists && !reader.IsDBNull(9) ? reader.GetString(9) : null,
                        exists ? reader.GetInt64(10) : 0,
                        exists ? reader.GetFieldValue<byte[]>(11) : [],
                        exists && !reader.IsDBNull(12) ? reader.GetString(12) : null);
                    group[positions[id]] = message;
                    foreach (var handler in reader.GetFieldValue<string[]>(13))
                    {
                        (inbox ??= []).Add((message.MessageId, handler));
                    }
                }

                return (inbox is null ? NoInbox : inbox.ToLookup(e => e.Item1, e => e.Item2), got);
            }
        }
    }

    /// <summary>The rows of <paramref name="batch"/> this transaction dequeued but did not deliver: they go back before it commits.</summary>
    private static List<PendingRow> NotDelivered(ClaimedMessage[] group, List<int> batch, List<int> done, Dictionary<long, PendingRow> rows)
    {
        var back = new List<PendingRow>();
        if (rows.Count == done.Count)
        {
            return back;
        }

        foreach (var i in batch)
        {
            if (rows.TryGetValue(group[i].Id, out var row) && !done.Contains(i))
            {
                back.Add(row);
            }
        }

        return back;
    }

    private async Task CommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage? message, HandlerResult result, List<PendingRow> requeue, CancellationToken cancellationToken)
    {
        if (message is not null || requeue.Count > 0)
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                if (message is not null)
                {
                    foreach (var handler in result.Inbox)
                    {
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.InsertInbox) { Parameters = { new() { Value = handler }, new() { Value = message.MessageId } } });
                    }
                }

                if (message is not null && result.DeadLetterReason is not null)
                {
                    batch.BatchCommands.Add(DeadLetterCommand(message, 1, null, result.DeadLetterReason));
                }

                if (requeue.Count > 0)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.Requeue)
                    {
                        Parameters =
                        {
                            new() { Value = requeue.Select(r => r.Id).ToArray() },
                            new() { Value = requeue.Select(r => r.CreatedAt).ToArray() },
                            new() { Value = requeue.Select(r => r.PartitionKey).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                            new() { Value = requeue.Select(r => r.Attempts).ToArray() },
                            new() { Value = requeue.Select(r => r.NextAttemptAt).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz },
                            new() { Value = requeue.Select(r => r.LastError).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                        },
                    });
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a rollback: dequeues the <paramref name="done"/> messages again (they completed and wrote nothing through
    /// the context) and records the retry or dead letter of the message at <paramref name="failed"/>, in one implicit
    /// transaction. Returns whether it was dead-lettered.
    /// </summary>
    private async Task<bool> AfterRollbackAsync(NpgsqlConnection? connection, ClaimedMessage[] group, List<int> done, int? failed, HandlerResult result, CancellationToken cancellationToken)
    {
        var batch = connection is null ? dataSource.CreateBatch() : new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            if (done.Count > 0)
            {
                var ids = new long[done.Count];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = group[done[i]].Id;
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.CompleteMany) { Parameters = { new() { Value = ids } } });
            }

            var deadLettered = false;
            TimeSpan? retry = null;
            if (failed is { } f && result is { Failure: { } failure } r)
            {
                var message = group[f];
                var attempt = message.FailedAttempts + 1;
                if (attempt >= options.Retry.MaxAttempts)
                {
                    RelayLog.DeadLettered(logger, message.MessageId, message.Subject, attempt, FirstLine(failure.ToString()));
                    OutboxTelemetry.Instrumentation.DeadLettered(message.Subject);
                    batch.BatchCommands.Add(DeadLetterCommand(message, attempt, r.FailedHandler, failure.ToString()));
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.CompleteMany) { Parameters = { new() { Value = new[] { message.Id } } } });
                    deadLettered = true;
                }
                else
                {
                    var delay = RetryPolicy.DelayAfter(attempt, options.Retry);
                    RelayLog.HandlerFailed(logger, message.MessageId, message.Subject, attempt, options.Retry.MaxAttempts, delay, failure);
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.ScheduleRetry)
                    {
                        Parameters = { new() { Value = message.Id }, new() { Value = attempt }, new() { Value = delay }, new() { Value = Truncate(failure.ToString()) } },
                    });
                    retry = delay;
                }
            }

            if (batch.BatchCommands.Count > 0)
            {
                // One batch runs as one implicit transaction: the dead letter exists if and only if the row left the queue.
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (retry is { } d)
            {
                RetryScheduled?.Invoke(d);
            }

            return deadLettered;
        }
    }

    /// <summary>Rolls back; false when the connection cannot (it broke, e.g. a command's cancellation timed out).</summary>
    private static async Task<bool> TryRollbackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends a delivery's server session from another connection, so its transaction rolls back and releases the
    /// rows it dequeued. A role may end its own sessions; if even that fails, the session ends when its connection does.
    /// </summary>
    private async Task EndSessionAsync(int backend)
    {
        try
        {
            var command = dataSource.CreateCommand("SELECT pg_terminate_backend($1)");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = backend });
                await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException e)
        {
            RelayLog.SessionNotEnded(logger, backend, e);
        }
    }

    private NpgsqlBatchCommand DeadLetterCommand(ClaimedMessage message, int attempts, string? handler, string error) => new(sql.DeadLetter)
    {
        Parameters =
        {
            new() { Value = message.Id }, new() { Value = message.CreatedAt },
            new() { Value = (object?)handler ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = attempts }, new() { Value = Truncate(error) },
        },
    };

    private static string Truncate(string text) => text.Length <= 8000 ? text : text[..8000];

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd('\r');
    }
}

/// <summary>A queue row as a delivery's transaction dequeued it, so it can be put back unchanged.</summary>
internal sealed record PendingRow(long Id, DateTime CreatedAt, string? PartitionKey, int Attempts, DateTime? NextAttemptAt, string? LastError);
