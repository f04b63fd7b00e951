using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Notify;

/// <summary>
/// The relay's pipeline, with no barrier between claims: each claim reads due rows that are not already in flight
/// and appends them to their key's queue (notified rows join it straight from the notification); a key with queued
/// messages is ready. Up to <c>MaxDegreeOfParallelism</c> delivery loops run at once; each takes every ready key
/// (up to <see cref="MaxGroup"/> messages) and delivers them as one group, so while the loops are busy, keys that
/// become ready meanwhile share the next transaction — the busier the relay, the fewer transactions per message.
/// A key is in at most one group at a time, so its messages stay in order. A key stops at its first message that
/// did not complete: the rest of its queue is dropped (and claimed again later, behind it). One instance per
/// leadership term.
/// </summary>
internal sealed class RelayDispatcher(RelaySql sql, NpgsqlDataSource dataSource, NotifyDelivery delivery, int batchSize, int maxDegreeOfParallelism, ILogger logger)
{
    private const int MaxGroup = 64;

    private readonly Lock _gate = new();
    private readonly HashSet<long> _inFlight = [];
    private readonly Dictionary<string, KeyQueue> _keys = new(StringComparer.Ordinal);
    private readonly Queue<KeyQueue> _ready = new();
    private readonly HashSet<string> _stoppedDuringClaim = new(StringComparer.Ordinal);
    private readonly HashSet<long> _doneDuringClaim = [];
    private readonly List<Task> _loops = [];
    private readonly Stack<NpgsqlConnection> _idle = new();
    private readonly int _maxInFlight = batchSize * 2;
    private int _running;
    private bool _stopped;
    private bool _claiming;
    private bool _starved;

    /// <summary>Raised when a delivery completed messages while the claimer was held back by the in-flight limit.</summary>
    public event Action? CapacityFreed;

    /// <summary>Raised when a notified row was left to the claim.</summary>
    public event Action? ClaimNeeded;

    /// <summary>
    /// Claims once and hands the rows to their keys' queues. Returns true when the claim came back full (more may
    /// be due right away).
    /// </summary>
    public async Task<bool> ClaimAsync(CancellationToken stopping)
    {
        long[] exclude;
        int limit;
        lock (_gate)
        {
            limit = Math.Min(batchSize, _maxInFlight - _inFlight.Count);
            _starved = limit < batchSize;
            if (limit <= 0)
            {
                return false; // a delivery raises CapacityFreed when there is room again
            }

            exclude = [.. _inFlight];
            _claiming = true;
            _stoppedDuringClaim.Clear();
            _doneDuringClaim.Clear();
        }

        List<ClaimedMessage> claimed;
        try
        {
            claimed = await ReadAsync(limit, exclude, stopping).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _claiming = false;
            }
        }

        lock (_gate)
        {
            foreach (var message in claimed)
            {
                // A key that stopped (a retry was scheduled) while the claim ran may have been read as not yet
                // blocked: its later rows wait for the next claim, which sees the retry.
                // Rows a notification handed to a key's queue meanwhile are in flight already, and rows delivered
                // while the claim ran may still be in its snapshot.
                var key = message.OrderingKey;
                if (_stoppedDuringClaim.Contains(key) || _doneDuringClaim.Contains(message.Id) || !_inFlight.Add(message.Id))
                {
                    continue;
                }

                Enqueue(key, message, stopping);
            }

            _stoppedDuringClaim.Clear();
            _doneDuringClaim.Clear();
            if (claimed.Count == limit)
            {
                _starved = true;
            }
        }

        RelayLog.Claimed(logger, claimed.Count);
        return claimed.Count == limit;
    }

    /// <summary>
    /// Hands a notified row straight to its key's queue, skipping the claim. Returns false when it is left to the
    /// claim: the in-flight limit is reached.
    /// </summary>
    public bool Offer(long id, string? partitionKey, CancellationToken stopping)
    {
        var message = ClaimedMessage.FromNotification(id, partitionKey);
        lock (_gate)
        {
            if (_inFlight.Count >= _maxInFlight)
            {
                return false;
            }

            if (_inFlight.Add(id))
            {
                Enqueue(message.OrderingKey, message, stopping);
            }

            return true;
        }
    }

    /// <summary>Waits for every delivery loop to finish (they end on their own, or when stopping is cancelled).</summary>
    public async Task StopAsync()
    {
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _loops];
            _stopped = true;
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        NpgsqlConnection[] idle;
        lock (_gate)
        {
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Enqueue(string key, ClaimedMessage message, CancellationToken stopping)
    {
        if (!_keys.TryGetValue(key, out var queue))
        {
            queue = new KeyQueue(key);
            _keys.Add(key, queue);
        }

        queue.Messages.Add(message);
        if (!queue.Busy)
        {
            queue.Busy = true;
            _ready.Enqueue(queue);
            if (_running < maxDegreeOfParallelism)
            {
                _running++;
                _loops.RemoveAll(t => t.IsCompleted);
                _loops.Add(Task.Run(() => DeliverLoopAsync(stopping), CancellationToken.None));
            }
        }
    }

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
                        RelayLog.DeliveryFaulted(logger, string.Join(", ", keys.Select(k => ClaimedMessage.DescribeKey(k.Queue.Key))), e);
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

    private async Task<List<ClaimedMessage>> ReadAsync(int limit, long[] exclude, CancellationToken cancellationToken)
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
    /// One key's messages waiting for delivery. Busy from the moment it is ready until its group is settled, so a key
    /// is never in two groups at once.
    /// </summary>
    private sealed class KeyQueue(string key)
    {
        public string Key { get; } = key;

        public List<ClaimedMessage> Messages { get; } = [];

        public bool Busy { get; set; }
    }
}
