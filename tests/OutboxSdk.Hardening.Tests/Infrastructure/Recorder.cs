using System.Collections.Concurrent;

namespace Hardening.Tests.Infrastructure;

/// <summary>What the handlers of one host saw, in the order they saw it.</summary>
public sealed class Recorder
{
    public ConcurrentQueue<object> Seen { get; } = new();

    public void Record(object message) => Seen.Enqueue(message);

    /// <summary>Waits until <paramref name="condition"/> holds; fails after a generous timeout (the machine is shared).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeoutSeconds}s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public Task WaitForAsync(Func<Recorder, bool> condition, string what, int timeoutSeconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition(this)), what, timeoutSeconds);
}
