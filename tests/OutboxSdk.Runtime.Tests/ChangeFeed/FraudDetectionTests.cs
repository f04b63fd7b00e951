using FraudDetection;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.TestSupport;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The fraud sample's domain logic, and its handler fed by real pgoutput changes through the router.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FraudDetectionTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("New York", "London", 5570)]
    [InlineData("London", "Paris", 344)]
    [InlineData("New York", "Tokyo", 10850)]
    [InlineData("London", "Sydney", 16990)]
    public void Great_circle_distances_match_the_published_ones_within_one_percent(string from, string to, double km)
    {
        var a = Cities.All.Single(c => c.Name == from);
        var b = Cities.All.Single(c => c.Name == to);

        var distance = Geo.DistanceKm(a.Latitude, a.Longitude, b.Latitude, b.Longitude);

        Assert.InRange(distance, km * 0.99, km * 1.01);
        Assert.Equal(distance, Geo.DistanceKm(b.Latitude, b.Longitude, a.Latitude, a.Longitude), 6);
    }

    [Fact]
    public void The_detector_flags_faster_than_an_airliner_only_once_and_not_within_one_city()
    {
        var detector = new ImpossibleTravelDetector();
        var london = Transaction(1, "A", Cities.London, Start);
        var paris = Cities.Paris;
        var km = Geo.DistanceKm(Cities.London.Latitude, Cities.London.Longitude, paris.Latitude, paris.Longitude);

        Assert.Null(detector.Observe(london));
        Assert.Null(detector.Observe(Transaction(2, "A", paris, Start.AddHours(km / 900)))); // 900 km/h: fast but possible
        Assert.Null(detector.Observe(Transaction(3, "A", paris, Start.AddHours(km / 900).AddSeconds(1)))); // same city
        var alert = detector.Observe(Transaction(4, "A", Cities.London, Start.AddHours(km / 900).AddHours(km / 1100)));
        Assert.NotNull(alert);
        Assert.InRange(alert.ImpliedSpeedKmh, 1099, 1101);
        Assert.Equal((3L, 4L, "Paris", "London"), (alert.FromTransaction, alert.ToTransaction, alert.FromCity, alert.ToCity));
        Assert.Null(detector.Observe(Transaction(4, "A", Cities.London, Start.AddHours(5)))); // redelivered: no second alert
    }

    [Fact]
    public void The_generated_stream_has_exactly_the_three_impossible_journeys()
    {
        var planned = JourneyGenerator.Generate(accounts: 40, transactionsPerAccount: 6, seed: 7, Start, run: "r-");
        var detector = new ImpossibleTravelDetector();

        var alerts = planned.Select((p, i) => detector.Observe(Transaction(i + 1, p.Account, p.City, p.OccurredAt))).OfType<TravelAlert>().ToList();

        Assert.Equal(40 * 6 + 6, planned.Count);
        Assert.True(planned.Select(p => p.City.Name).Distinct().Count() > 5); // many cities, not one
        Assert.Equal(
            [("r-ACC-9001", "New York", "Tokyo"), ("r-ACC-9002", "London", "Sydney"), ("r-ACC-9003", "Miami", "Dubai")],
            alerts.Select(a => (a.Account, a.FromCity, a.ToCity)).Order());
        Assert.All(alerts, a => Assert.True(a.ImpliedSpeedKmh > 1_000_000, $"{a.Account}: {a.ImpliedSpeedKmh} km/h"));
    }

    [Fact]
    public async Task The_handler_fed_by_real_pgoutput_changes_writes_exactly_the_impossible_journeys_as_alerts()
    {
        await using var scope = await fixture.NewSchemaAsync();
        await scope.ExecuteAsync("DROP SCHEMA IF EXISTS fraud CASCADE; CREATE SCHEMA fraud;" + CardTransaction.CreateTableSql + FlagImpossibleTravel.AlertsTableSql);
        try
        {
            var planned = JourneyGenerator.Generate(accounts: 10, transactionsPerAccount: 4, seed: 3, Start);
            var entity = FraudDetectionOutboxRegistration.Instance.Entities.Single();
            var router = await Feed.RouterAsync(scope, null, entity);

            var captured = await PgOutputCapture.RunAsync(scope, router, commits: planned.Count, async () =>
            {
                for (var i = 0; i < planned.Count; i++)
                {
                    var p = planned[i];
                    await using var insert = scope.DataSource.CreateCommand("INSERT INTO fraud.card_transactions VALUES ($1, $2, $3, $4, $5, $6, $7)");
                    foreach (var value in new object[] { i + 1L, p.Account, p.City.Name, p.City.Latitude, p.City.Longitude, p.Amount, p.OccurredAt })
                    {
                        insert.Parameters.Add(new NpgsqlParameter { Value = value });
                    }

                    await insert.ExecuteNonQueryAsync();
                }
            });

            var services = new ServiceCollection()
                .AddSingleton(scope.DataSource).AddSingleton(new ImpossibleTravelDetector()).AddSingleton<AlertLog>()
                .AddFraudDetectionOutboxTypes();
            await using var provider = services.BuildServiceProvider();
            foreach (var change in captured.Events)
            {
                await using var delivery = provider.CreateAsyncScope();
                await Dispatch.PublishAsync(delivery.ServiceProvider, change);
            }

            Assert.Empty(captured.Failures);
            Assert.Equal(planned.Count, provider.GetRequiredService<AlertLog>().SeenCount);
            await using var read = scope.DataSource.CreateCommand("SELECT account || ' ' || from_city || ' → ' || to_city FROM fraud.alerts ORDER BY account");
            var rows = new List<string>();
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["ACC-9001 New York → Tokyo", "ACC-9002 London → Sydney", "ACC-9003 Miami → Dubai"], rows);
        }
        finally
        {
            await scope.ExecuteAsync("DROP SCHEMA IF EXISTS fraud CASCADE");
        }
    }

    private static CardTransaction Transaction(long id, string account, City city, DateTimeOffset at) =>
        new(id, account, city.Name, city.Latitude, city.Longitude, 10m, at);
}
