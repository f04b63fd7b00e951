using System.Collections.Concurrent;

namespace OutboxSdk.TestSupport;

/// <summary>
/// What the handlers of one host saw, in the order they saw it: one per host, so two relays can be told apart. An area
/// names what it records (<typeparamref name="T"/>: a message, a "key/seq" string) once, as its <c>Recorder</c>.
/// </summary>
public class Recorder<T>
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new();

    /// <summary>Incremented by handlers of big messages (Interlocked), next to what they record.</summary>
    public int BlobCount;

    public ConcurrentQueue<T> Seen { get; } = new();

    /// <summary>The change-feed notifications handled, in order (recorded before <see cref="Seen"/>).</summary>
    public ConcurrentQueue<object> Notifications { get; } = new();

    /// <summary>Attempts per item ("order/seq"), counted by handlers that can be told to fail (<see cref="Failing"/>).</summary>
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <summary>Items that fail, with how many attempts fail before one succeeds (int.MaxValue: always).</summary>
    public ConcurrentDictionary<string, int> Failing { get; } = new();

    /// <summary>Called (once) when the ledger entry with this amount is handled, before it completes.</summary>
    public ConcurrentDictionary<int, Func<Task>> OnLedger { get; } = new();

    /// <summary>A handler that must not complete yet (so the slot stops advancing) waits for this.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(T item)
    {
        Seen.Enqueue(item);
        foreach (var (_, wait) in _waits)
        {
            wait.TrySetResult();
        }
    }

    public Task WaitUntilAsync(Func<Recorder<T>, bool> condition, int timeoutSeconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition(this)), timeoutSeconds);

    /// <summary>Waits until <paramref name="condition"/> holds, re-checked after each delivery and every 200 ms; fails after a generous timeout.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            var key = Guid.NewGuid().ToString();
            var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits[key] = wait;
            try
            {
                if (await condition())
                {
                    return;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    Assert.Fail($"timed out after {timeoutSeconds}s; {Seen.Count} item(s) recorded");
                }

                // A delivery completes the wait; the short cap re-checks conditions on state the recorder does not see (dead letters).
                await Task.WhenAny(wait.Task, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds))));
            }
            finally
            {
                _waits.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails, saying what it waited for, after a generous timeout (the machine is shared).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeoutSeconds}s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public Task WaitForAsync(Func<Recorder<T>, bool> condition, string what, int timeoutSeconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition(this)), what, timeoutSeconds);
}
