using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;

namespace OutboxSdk.Relay;

/// <summary>
/// Delivers a run of one key's messages, in id order, in as few transactions as the exactly-once contract allows.
/// A transaction dequeues (and so locks) the run's rows, runs each message's handlers not yet in the inbox in a new
/// DI scope, and commits once at the end. A message whose handlers used <see cref="IOutboxContext"/> ends the
/// transaction right after it — its writes, inbox rows and dequeue commit together — so a transaction never holds
/// context writes of an earlier message when a later one fails. On a failure the transaction rolls back; the
/// messages before the failed one (which wrote nothing through the context) are dequeued again, and a retry, or
/// the dead letter, is recorded for the failed one, in one implicit transaction.
/// </summary>
internal sealed class MessageDelivery(
    RelaySql sql,
    NpgsqlDataSource dataSource,
    MessageHandlers handlers,
    OutboxOptions options,
    ILogger logger)
{
    /// <summary>Raised with the delay of each scheduled retry, so the relay wakes up when it is due.</summary>
    public event Action<TimeSpan>? RetryScheduled;

    /// <summary>
    /// Delivers <paramref name="run"/> (one key, id order) and returns how many of its first messages completed
    /// (handled, dead-lettered or gone); the key stops at the first one that did not (a retry was scheduled, or
    /// another delivery holds its row).
    /// </summary>
    public async Task<int> DeliverRunAsync(IReadOnlyList<ClaimedMessage> run, CancellationToken stopping)
    {
        var done = 0;
        var take = run.Count;
        var messages = run.ToArray(); // a notified message carries only its id and key: the dequeue fills in the rest
        while (done < messages.Length)
        {
            var (completed, goOn) = await DeliverInOneTransactionAsync(messages, done, take, stopping).ConfigureAwait(false);
            done += completed;
            if (!goOn)
            {
                break;
            }

            // An early commit means exactly-once handlers: from here on one message per transaction, so the rows
            // dequeued ahead of them need not be put back at every commit.
            take = 1;
        }

        return done;
    }

    private async Task<(int Completed, bool GoOn)> DeliverInOneTransactionAsync(ClaimedMessage[] run, int start, int take, CancellationToken stopping)
    {
        var connection = await dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(stopping).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var (locked, inbox, rows) = await LockAsync(connection, transaction, run, start, Math.Min(take, run.Length - start), stopping).ConfigureAwait(false);
                var i = start;
                for (; i < start + locked; i++)
                {
                    var message = run[i];
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
                        await AfterRollbackAsync(run, start, i, null, CancellationToken.None).ConfigureAwait(false);
                        throw;
                    }

                    if (result.Failure is not null)
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        var deadLettered = await AfterRollbackAsync(run, start, i, result, stopping).ConfigureAwait(false);
                        return (i - start + (deadLettered ? 1 : 0), deadLettered);
                    }

                    if (result.Inbox.Count > 0 || result.DeadLetterReason is not null)
                    {
                        // A boundary: what this message wrote commits with its inbox rows and its dequeue, now.
                        await CommitAsync(connection, transaction, message, result, NotDelivered(run, i + 1, rows), CancellationToken.None).ConfigureAwait(false);
                        return (i - start + 1, true);
                    }
                }

                await CommitAsync(connection, transaction, null, default, NotDelivered(run, i, rows), CancellationToken.None).ConfigureAwait(false);
                return (locked, false); // all of the run, or up to a row held elsewhere
            }
        }
    }

    /// <summary>
    /// Dequeues the run's rows from <paramref name="start"/> on, replacing each locked entry of <paramref name="run"/>
    /// with the message as read now; returns how many in a row it got, and the inbox.
    /// </summary>
    private async Task<(int Locked, ILookup<Guid, string> Inbox, Dictionary<long, PendingRow> Rows)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage[] run, int start, int count, CancellationToken cancellationToken)
    {
        var ids = new long[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = run[start + i].Id;
        }

        var command = new NpgsqlCommand(sql.LockRun, connection, transaction) { Parameters = { new() { Value = ids } } };
        await using (command.ConfigureAwait(false))
        {
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false); // free once the pooled connection has it
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var got = new Dictionary<long, PendingRow>();
                var fresh = new Dictionary<long, ClaimedMessage>();
                var inbox = new List<(Guid, string)>();
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
                    fresh[id] = message;
                    foreach (var handler in reader.GetFieldValue<string[]>(13))
                    {
                        inbox.Add((message.MessageId, handler));
                    }
                }

                // Only a gap-free prefix can be delivered: a row held elsewhere, or refused for order, stops its key there.
                var locked = 0;
                while (locked < ids.Length && fresh.TryGetValue(ids[locked], out var message))
                {
                    run[start + locked] = message;
                    locked++;
                }

                return (locked, inbox.ToLookup(e => e.Item1, e => e.Item2), got);
            }
        }
    }

    /// <summary>The rows this transaction dequeued from run[from] on: they were not delivered and go back before it commits.</summary>
    private static List<PendingRow> NotDelivered(IReadOnlyList<ClaimedMessage> run, int from, Dictionary<long, PendingRow> rows)
    {
        var back = new List<PendingRow>();
        for (var i = from; i < run.Count && back.Count < rows.Count; i++)
        {
            if (rows.TryGetValue(run[i].Id, out var row))
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
    /// After a rollback: dequeues run[start..failed) again (they completed and wrote nothing through the context) and
    /// records the failed message's retry or dead letter, in one implicit transaction. Returns whether it was dead-lettered.
    /// </summary>
    private async Task<bool> AfterRollbackAsync(IReadOnlyList<ClaimedMessage> run, int start, int failed, HandlerResult? result, CancellationToken cancellationToken)
    {
        var batch = dataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            if (failed > start)
            {
                var ids = new long[failed - start];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = run[start + i].Id;
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.CompleteMany) { Parameters = { new() { Value = ids } } });
            }

            var deadLettered = false;
            TimeSpan? retry = null;
            if (result is { Failure: { } failure } r)
            {
                var message = run[failed];
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
