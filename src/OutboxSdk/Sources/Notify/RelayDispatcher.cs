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
internal sealed partial class RelayDispatcher(QueueLedger ledger, NpgsqlDataSource dataSource, NotifyDelivery delivery, int batchSize, int maxDegreeOfParallelism, ILogger logger)
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
            claimed = await ledger.ClaimAsync(dataSource, limit, exclude, stopping).ConfigureAwait(false);
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

        NotifyLog.Claimed(logger, claimed.Count);
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
}
