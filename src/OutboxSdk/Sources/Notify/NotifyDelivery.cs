using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Notify;

/// <summary>
/// Delivers a group of messages — those of one or more partition keys, each key's in id order — in as few
/// transactions as the exactly-once contract allows. A transaction dequeues (and so locks) the group's rows, runs
/// each message's handlers not yet in the inbox, and commits once at the end, so under load many keys share one
/// dequeue and one commit. A message whose handlers used <see cref="IOutboxContext"/> ends the transaction right
/// after it — its writes, inbox rows and dequeue commit together — so a transaction never holds context writes of an
/// earlier message when a later one fails. On a failure the transaction rolls back; the messages before the failed
/// one (which wrote nothing through the context) are dequeued again and a retry, or the dead letter, is recorded for
/// the failed one, in one implicit transaction; the failed message's key stops there and the other keys' remaining
/// messages go on in the next transaction.
/// </summary>
internal sealed class NotifyDelivery(QueueLedger ledger, DeliveryWriter writer, HandlerRunner handlers, FailurePolicy policy, DeliveryTransaction transactions, ILogger logger)
{
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
            var (inbox, rows) = await ledger.DequeueAsync(connection, transaction, group, batch, stopping).ConfigureAwait(false);

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
                var claimed = group[i];
                if (claimed.Message is not { } message)
                {
                    NotifyLog.MessageMissing(logger, claimed.Id); // dequeued, and so completed, with the rest
                    done.Add(i);
                    continue;
                }

                HandlerResult result;
                try
                {
                    result = await handlers.RunAsync(message, claimed.FailedAttempts + 1, inbox[message.MessageId], connection, transaction, stopping).ConfigureAwait(false);
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
                    var reusable = await transactions.RollbackAsync(transaction, backend, result.Failure).ConfigureAwait(false);
                    var deadLettered = await AfterRollbackAsync(reusable ? connection : null, group, done, i, result, stopping).ConfigureAwait(false);
                    Mark(states, done, DeliveryState.Completed);
                    states[i] = deadLettered ? DeliveryState.Completed : DeliveryState.Stopped;
                    if (!deadLettered)
                    {
                        stoppedKeys.Add(claimed.OrderingKey);
                    }

                    if (!reusable)
                    {
                        throw new DeliveryConnectionLostException(result.Failure, DeliveryTransaction.RunningOf(result.Failure));
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

                    await CommitAsync(connection, transaction, claimed, result, NotDelivered(group, batch, done, rows)).ConfigureAwait(false);
                    Mark(states, done, DeliveryState.Completed);
                    return;
                }
            }

            await CommitAsync(connection, transaction, null, default, NotDelivered(group, batch, done, rows)).ConfigureAwait(false);
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

    /// <summary>Commits the transaction, with the inbox rows or the dead letter of <paramref name="claimed"/>, and the rows to put back.</summary>
    private async Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage? claimed, HandlerResult result, List<PendingRow> requeue)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            if (claimed?.Message is { } message)
            {
                foreach (var handler in result.Inbox)
                {
                    batch.BatchCommands.Add(writer.Inbox(handler, message.MessageId));
                }

                if (result.DeadLetterReason is { } reason)
                {
                    policy.Rejected(message, claimed.Position, reason);
                    batch.BatchCommands.Add(writer.DeadLetterOutboxRow(claimed.Id, claimed.CreatedAt, null, 1, reason));
                }
            }

            if (requeue.Count > 0)
            {
                batch.BatchCommands.Add(ledger.Requeue(requeue));
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await DeliveryTransaction.CommitAsync(transaction).ConfigureAwait(false);
    }

    /// <summary>
    /// After a rollback: dequeues the <paramref name="done"/> messages again (they completed and wrote nothing through
    /// the context) and records the retry or dead letter of the message at <paramref name="failed"/>, in one implicit
    /// transaction, on <paramref name="connection"/> or, when it was given up, another. Returns whether it was dead-lettered.
    /// </summary>
    private async Task<bool> AfterRollbackAsync(NpgsqlConnection? connection, ClaimedMessage[] group, List<int> done, int? failed, HandlerResult result, CancellationToken cancellationToken)
    {
        var batch = connection is null ? transactions.CreateBatch() : new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            if (done.Count > 0)
            {
                batch.BatchCommands.Add(ledger.Complete([.. done.Select(i => group[i].Id)]));
            }

            var deadLettered = false;
            TimeSpan? retry = null;
            if (failed is { } f && result is { Failure: { } failure } r && group[f].Message is { } message)
            {
                var claimed = group[f];
                var attempt = claimed.FailedAttempts + 1;
                var decision = policy.AfterFailure(message, claimed.Position, attempt, failure);
                var error = decision.Error ?? failure.ToString();
                if (decision.DeadLetter)
                {
                    batch.BatchCommands.Add(writer.DeadLetterOutboxRow(claimed.Id, claimed.CreatedAt, r.FailedHandler, Math.Max(1, decision.Waiting ? claimed.FailedAttempts : attempt), error));
                    batch.BatchCommands.Add(ledger.Complete([claimed.Id]));
                    deadLettered = true;
                }
                else
                {
                    // A wait for a relay that can read it (a rolling deploy) keeps the attempts the handlers used.
                    batch.BatchCommands.Add(ledger.ScheduleRetry(claimed.Id, decision.Waiting ? claimed.FailedAttempts : attempt, decision.Delay, DeliveryWriter.Truncate(error)));
                    retry = decision.Delay;
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
}
