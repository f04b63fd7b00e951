using System.Collections.Concurrent;

namespace OrderService;

/// <summary>What the handlers saw, for the summary the sample prints.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentDictionary<Guid, long> _receipts = new();
    private readonly ConcurrentDictionary<Guid, int> _readModel = new();
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>When each receipt was sent, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public IReadOnlyDictionary<Guid, long> Receipts => _receipts;

    public int ReadModelUpdates(Guid orderId) => _readModel.GetValueOrDefault(orderId);

    public void ReceiptSent(Guid orderId)
    {
        _receipts.TryAdd(orderId, System.Diagnostics.Stopwatch.GetTimestamp());
        _changed.Release();
    }

    public void ReadModelUpdated(Guid orderId)
    {
        _readModel.AddOrUpdate(orderId, 1, static (_, n) => n + 1);
        _changed.Release();
    }

    /// <summary>Waits until every one of <paramref name="orders"/> has its receipt and read-model update.</summary>
    public async Task<bool> WaitForAsync(IReadOnlyCollection<Guid> orders, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!orders.All(o => _receipts.ContainsKey(o) && _readModel.ContainsKey(o)))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
            {
                return false;
            }
        }

        return true;
    }
}
