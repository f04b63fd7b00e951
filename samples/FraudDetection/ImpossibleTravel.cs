namespace FraudDetection;

/// <summary>An account seen in two places farther apart than an airliner could fly in the time between.</summary>
public sealed record TravelAlert(string Account, long FromTransaction, long ToTransaction, string FromCity, string ToCity, double DistanceKm, TimeSpan Elapsed)
{
    /// <summary>The speed the journey implies, in km/h; infinity when no time passed.</summary>
    public double ImpliedSpeedKmh => Elapsed > TimeSpan.Zero ? DistanceKm / Elapsed.TotalHours : double.PositiveInfinity;
}

/// <summary>
/// Remembers each account's latest transaction and flags a new one that would need faster travel than
/// <see cref="MaxSpeedKmh"/>. Transactions of an account arrive in commit order; a redelivered one (an id not
/// newer than the last seen) is ignored, so at-least-once delivery raises no second alert. Thread-safe.
/// </summary>
public sealed class ImpossibleTravelDetector(double maxSpeedKmh = ImpossibleTravelDetector.AirlinerKmh)
{
    /// <summary>A generous airliner cruising speed over ground, in km/h.</summary>
    public const double AirlinerKmh = 1000;

    /// <summary>Places closer than this are one place (card terminals in one metro area).</summary>
    public const double SamePlaceKm = 50;

    private readonly Dictionary<string, CardTransaction> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public double MaxSpeedKmh { get; } = maxSpeedKmh;

    /// <summary>Records <paramref name="transaction"/>; returns the alert when the account could not have travelled from its previous one.</summary>
    public TravelAlert? Observe(CardTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        lock (_gate)
        {
            if (!_last.TryGetValue(transaction.Account, out var previous))
            {
                _last[transaction.Account] = transaction;
                return null;
            }

            if (transaction.Id <= previous.Id)
            {
                return null; // seen already
            }

            _last[transaction.Account] = transaction;
            var distance = Geo.DistanceKm(previous.Latitude, previous.Longitude, transaction.Latitude, transaction.Longitude);
            if (distance < SamePlaceKm)
            {
                return null;
            }

            var alert = new TravelAlert(transaction.Account, previous.Id, transaction.Id, previous.City, transaction.City, distance, transaction.OccurredAt - previous.OccurredAt);
            return alert.ImpliedSpeedKmh > MaxSpeedKmh ? alert : null;
        }
    }
}
