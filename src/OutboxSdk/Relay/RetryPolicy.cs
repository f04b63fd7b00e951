using OutboxSdk.Hosting;

namespace OutboxSdk.Relay;

/// <summary>Exponential backoff with jitter, so failing keys do not retry in lock step.</summary>
internal static class RetryPolicy
{
    /// <summary>
    /// The delay after failed attempt number <paramref name="attempt"/> (1-based): InitialDelay · 2^(attempt-1),
    /// capped at MaxDelay, then a random 50-100 % of it ("equal jitter").
    /// </summary>
    public static TimeSpan DelayAfter(int attempt, OutboxRetryOptions options)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(options.InitialDelay.Ticks * (double)(1L << exponent), options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.5 + Random.Shared.NextDouble() / 2)));
    }
}
