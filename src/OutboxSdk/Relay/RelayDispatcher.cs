using Microsoft.Extensions.Logging;
using Npgsql;

namespace OutboxSdk.Relay;

/// <summary>
/// The relay's pipeline, with no barrier between claims: each claim reads due rows that are not already in flight
/// and appends them to their key's queue; a worker per key delivers its queue in runs, one run at a time, at most
/// <c>MaxDegreeOfParallelism</c> runs at once. A key stops at its first message that did not complete: the rest of
/// its queue is dropped (and claimed again later, behind it). One instance per leadership term.
/// </summary>
internal sealed class RelayDispatcher(RelaySql sql, NpgsqlDataSource dataSource, MessageDelivery delivery, int batchSize, int maxDegreeOfParallelism, ILogger logger)
{
    private const int MaxRun = 64;

    private readonly Lock _gate = new();
    private readonly HashSet<long> _inFlight = [];
    private readonly Dictionary<string, Queue<ClaimedMessage>> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stoppedDuringClaim = new(StringComparer.Ordinal);
    private readonly HashSet<long> _doneDuringClaim = [];
    private readonly SemaphoreSlim _slots = new(maxDegreeOfParallelism, maxDegreeOfParallelism);
    private readonly List<Task> _workers = [];
    private readonly int _maxInFlight = batchSize * 2;
    private bool _claiming;
    private bool _starved;

    /// <summary>Raised when a worker completed messages while the claimer was held back by the in-flight limit.</summary>
    public event Action? CapacityFreed;

    /// <summary>Raised when a notified row was left to the claim.</summary>
    public event Action? ClaimNeeded;

    /// <summary>
    /// Claims once and hands the rows to their keys' workers. Returns true when the claim came back full (more may
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
                return false; // a worker raises CapacityFreed when there is room again
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
                // Rows a notification handed to a worker meanwhile are in flight already, and rows delivered
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
    /// Hands a notified row straight to its key's worker, skipping the claim. Returns false when it is left to the
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

    /// <summary>Waits for every worker to finish (they end on their own, or when stopping is cancelled).</summary>
    public async Task StopAsync()
    {
        Task[] workers;
        lock (_gate)
        {
            workers = [.. _workers];
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private void Enqueue(string key, ClaimedMessage message, CancellationToken stopping)
    {
        if (_keys.TryGetValue(key, out var queue))
        {
            queue.Enqueue(message);
        }
        else
        {
            queue = new Queue<ClaimedMessage>();
            queue.Enqueue(message);
            _keys.Add(key, queue);
            _workers.RemoveAll(t => t.IsCompleted);
            _workers.Add(Task.Run(() => WorkAsync(key, queue, stopping), CancellationToken.None));
        }
    }

    private async Task WorkAsync(string key, Queue<ClaimedMessage> queue, CancellationToken stopping)
    {
        while (true)
        {
            var run = new List<ClaimedMessage>();
            lock (_gate)
            {
                while (run.Count < MaxRun && queue.TryDequeue(out var next))
                {
                    run.Add(next);
                }

                if (run.Count == 0)
                {
                    _keys.Remove(key);
                    return;
                }
            }

            // Notified and claimed rows of a key can reach its queue out of id order.
            run.Sort(static (a, b) => a.Id.CompareTo(b.Id));

            var completed = 0;
            try
            {
                await _slots.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    completed = await delivery.DeliverRunAsync(run, stopping).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                RelayLog.DeliveryFaulted(logger, key, e);
            }
            catch (OperationCanceledException)
            {
                // Stopping: whatever completed was committed; the rest stays queued in the database.
            }

            bool starved;
            var stopped = false;
            var refused = false;
            lock (_gate)
            {
                foreach (var message in run)
                {
                    _inFlight.Remove(message.Id);
                }

                if (_claiming)
                {
                    for (var i = 0; i < completed; i++)
                    {
                        _doneDuringClaim.Add(run[i].Id);
                    }
                }

                if (completed < run.Count)
                {
                    // The key stops here; its queued rows are claimed again later, behind the one that stopped it.
                    for (var i = completed; i < run.Count; i++)
                    {
                        refused |= run[i].Notified;
                    }

                    while (queue.TryDequeue(out var dropped))
                    {
                        _inFlight.Remove(dropped.Id);
                        refused |= dropped.Notified;
                    }

                    _keys.Remove(key);
                    if (_claiming)
                    {
                        _stoppedDuringClaim.Add(key);
                    }

                    stopped = true;
                }

                starved = _starved;
            }

            if (stopped)
            {
                if (refused)
                {
                    // Notified rows left undelivered (refused by their dequeue because an earlier row of the key is
                    // pending or held elsewhere, or dropped behind one) are known to no claim yet: claim now, not at
                    // the next poll. Claimed rows wait for the poll, so a row held elsewhere is not retried in a loop.
                    ClaimNeeded?.Invoke();
                }

                return;
            }

            if (starved)
            {
                CapacityFreed?.Invoke();
            }
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
                    var exists = reader.GetBoolean(3);
                    messages.Add(new ClaimedMessage(
                        reader.GetInt64(0),
                        reader.GetDateTime(1),
                        reader.GetInt32(2),
                        exists,
                        exists ? reader.GetGuid(4) : Guid.Empty,
                        exists ? reader.GetString(5) : "",
                        exists && !reader.IsDBNull(6) ? reader.GetString(6) : null,
                        exists ? reader.GetInt64(7) : 0,
                        exists ? reader.GetFieldValue<byte[]>(8) : [],
                        exists && !reader.IsDBNull(9) ? reader.GetString(9) : null));
                }

                return messages;
            }
        }
    }
}
