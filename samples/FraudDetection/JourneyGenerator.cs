namespace FraudDetection;

/// <summary>A transaction the simulated stream will insert (its id is assigned by the database).</summary>
public sealed record PlannedTransaction(string Account, City City, decimal Amount, DateTimeOffset OccurredAt);

/// <summary>A journey the generator made impossible on purpose: the detector must flag exactly these.</summary>
public sealed record ImpossibleJourney(string Account, City From, City To, TimeSpan Elapsed);

/// <summary>
/// The simulated card stream: many accounts travelling plausibly (at most <see cref="MaxPlausibleKmh"/>, well
/// under an airliner, plus time at the airport) or shopping in one city, and three impossible journeys on their own
/// accounts — New York → Tokyo in 5 s, London → Sydney in 3 s, Miami → Dubai in 5 s. Reproducible for a seed.
/// </summary>
public static class JourneyGenerator
{
    public const double MaxPlausibleKmh = 800;

    public static readonly IReadOnlyList<ImpossibleJourney> Impossible =
    [
        new("ACC-9001", Cities.NewYork, Cities.Tokyo, TimeSpan.FromSeconds(5)),
        new("ACC-9002", Cities.London, Cities.Sydney, TimeSpan.FromSeconds(3)),
        new("ACC-9003", Cities.Miami, Cities.Dubai, TimeSpan.FromSeconds(5)),
    ];

    /// <summary>The transactions in the order they happen (and are inserted), with the impossible journeys among them.</summary>
    /// <param name="accounts">Accounts that travel plausibly.</param>
    /// <param name="transactionsPerAccount">Transactions of each of them.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="start">The first transaction's time, about.</param>
    /// <param name="run">Prefixes every account, so runs against one database do not mix their accounts.</param>
    public static List<PlannedTransaction> Generate(int accounts, int transactionsPerAccount, int seed, DateTimeOffset start, string run = "")
    {
        var random = new Random(seed);
        var planned = new List<PlannedTransaction>();
        for (var a = 0; a < accounts; a++)
        {
            var account = run + "ACC-" + (1000 + a).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var city = Cities.All[random.Next(Cities.All.Count)];
            var at = start.AddMinutes(random.Next(0, 600));
            for (var t = 0; t < transactionsPerAccount; t++)
            {
                planned.Add(new PlannedTransaction(account, city, Amount(random), at));
                var next = random.NextDouble() < 0.5 ? city : Cities.All[random.Next(Cities.All.Count)];
                var distance = Geo.DistanceKm(city.Latitude, city.Longitude, next.Latitude, next.Longitude);
                var speed = 200 + random.NextDouble() * (MaxPlausibleKmh - 200);
                at = at.AddHours(distance / speed).AddMinutes(20 + random.Next(0, 240));
                city = next;
            }
        }

        foreach (var journey in Impossible)
        {
            var at = start.AddMinutes(random.Next(0, 600));
            planned.Add(new PlannedTransaction(run + journey.Account, journey.From, Amount(random), at));
            planned.Add(new PlannedTransaction(run + journey.Account, journey.To, Amount(random), at + journey.Elapsed));
        }

        return [.. planned.OrderBy(p => p.OccurredAt).ThenBy(p => p.Account, StringComparer.Ordinal)];
    }

    private static decimal Amount(Random random) => Math.Round((decimal)(1 + random.NextDouble() * 900), 2);
}
