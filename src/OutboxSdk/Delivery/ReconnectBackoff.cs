namespace OutboxSdk.Delivery;

/// <summary>
/// How long a relay (Notify or Replication) waits before its next attempt after <c>failures</c> failed ones in a
/// row: 100 ms, doubling, at most 10 s. What counts as "in a row" is each relay's: both start counting again once an
/// attempt got through (leadership taken, or a stream that streamed).
/// </summary>
internal static class ReconnectBackoff
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    public static TimeSpan Delay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 16)), Max.TotalMilliseconds));
}
