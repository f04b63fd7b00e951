using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Notify;

/// <summary>The dispatcher's delivery loops: each delivers groups of ready keys and settles what became of them.</summary>
internal sealed partial class RelayDispatcher
{
    /// <summary>
    /// Delivers groups of ready keys until none is ready, on one connection that the loops keep among themselves for
    /// the leadership term (at most one per loop): opening a pooled connection makes Npgsql reset its session, several
    /// statements on the server that a saturated machine pays for every transaction otherwise.
    /// </summary>
    private async Task DeliverLoopAsync(CancellationToken stopping)
    {
        var keys = new List<(KeyQueue Queue, int Start, int Count)>();
        NpgsqlConnection? connection = null;
        lock (_gate)
        {
            _idle.TryPop(out connection);
        }

        try
        {
            while (true)
            {
                keys.Clear();
                var messages = new List<ClaimedMessage>();
                lock (_gate)
                {
                    while (messages.Count < MaxGroup && _ready.TryDequeue(out var queue))
                    {
                        var take = Math.Min(queue.Messages.Count, MaxGroup - messages.Count);

                        // Notified and claimed rows of a key can reach its queue out of id order.
                        queue.Messages.Sort(static (a, b) => a.Id.CompareTo(b.Id));
                        keys.Add((queue, messages.Count, take));
                        messages.AddRange(queue.Messages.GetRange(0, take));
                        queue.Messages.RemoveRange(0, take);
                    }

                    if (messages.Count == 0)
                    {
                        _running--;
                        if (connection is not null && !_stopped && !stopping.IsCancellationRequested)
                        {
                            _idle.Push(connection); // kept for the next loop: opening it from the pool would reset it
                            connection = null;
                        }

                        return;
                    }
                }

                var group = messages.ToArray();
                var states = new DeliveryState[group.Length];
                try
                {
                    connection ??= await dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                    await delivery.DeliverAsync(connection, group, states, stopping).ConfigureAwait(false);
                }
                catch (DeliveryConnectionLostException e)
                {
                    // The attempt was recorded; the connection may still be in use by an abandoned handler, so it is
                    // disposed only once that handler has ended (its server session is gone already).
                    DeliveryLog.ConnectionAbandoned(logger, e.InnerException ?? e);
                    if (connection is not null)
                    {
                        _ = DeliveryTransaction.DisposeWhenDoneAsync(connection, e.Running);
                        connection = null;
                    }
                }
                catch (Exception e)
                {
                    if (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                    {
                        NotifyLog.DeliveryFaulted(logger, string.Join(", ", keys.Select(k => ClaimedMessage.DescribeKey(k.Queue.Key))), e);
                    }

                    // Stopping, or a fault: whatever completed was committed; the rest stays queued in the database.
                    // The connection may be broken: the next group opens another.
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }

                Settle(keys, group, states);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// After a group: its rows leave the in-flight set; a key that stopped drops its queue (claimed again later,
    /// behind the row that stopped it); the others are ready again if more of theirs arrived meanwhile.
    /// </summary>
    private void Settle(List<(KeyQueue Queue, int Start, int Count)> keys, ClaimedMessage[] group, DeliveryState[] states)
    {
        bool starved;
        var refused = false;
        lock (_gate)
        {
            foreach (var (queue, start, count) in keys)
            {
                var stopped = false;
                for (var i = start; i < start + count; i++)
                {
                    _inFlight.Remove(group[i].Id);
                    if (states[i] == DeliveryState.Completed && !stopped)
                    {
                        if (_claiming)
                        {
                            _doneDuringClaim.Add(group[i].Id);
                        }
                    }
                    else
                    {
                        stopped = true;
                        refused |= group[i].Notified;
                    }
                }

                if (stopped)
                {
                    foreach (var dropped in queue.Messages)
                    {
                        _inFlight.Remove(dropped.Id);
                        refused |= dropped.Notified;
                    }

                    queue.Messages.Clear();
                    if (_claiming)
                    {
                        _stoppedDuringClaim.Add(queue.Key);
                    }
                }

                if (queue.Messages.Count > 0)
                {
                    _ready.Enqueue(queue); // still busy: it waits for a loop, at the back of the line
                }
                else
                {
                    queue.Busy = false;
                    _keys.Remove(queue.Key);
                }
            }

            starved = _starved;
        }

        if (refused)
        {
            // Notified rows left undelivered (refused by their dequeue because an earlier row of the key is pending
            // or held elsewhere, or dropped behind one) are known to no claim yet: claim now, not at the next poll.
            // Claimed rows wait for the poll, so a row held elsewhere is not retried in a loop.
            ClaimNeeded?.Invoke();
        }

        if (starved)
        {
            CapacityFreed?.Invoke();
        }
    }
}
