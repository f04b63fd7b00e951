using MediatR;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk;

namespace FraudDetection;

/// <summary>
/// Checks every new card transaction against the account's previous one and writes an alert for impossible
/// travel. The insert is idempotent (keyed by the flagged transaction), so a redelivered change writes nothing new.
/// </summary>
public sealed class FlagImpossibleTravel(ImpossibleTravelDetector detector, NpgsqlDataSource dataSource, AlertLog log) : INotificationHandler<Change<CardTransaction>>
{
    public const string AlertsTableSql = """
        CREATE TABLE IF NOT EXISTS fraud.alerts (
            transaction_id bigint PRIMARY KEY,
            previous_transaction_id bigint NOT NULL,
            account text NOT NULL,
            from_city text NOT NULL,
            to_city text NOT NULL,
            distance_km double precision NOT NULL,
            elapsed interval NOT NULL,
            implied_speed_kmh double precision NOT NULL,
            flagged_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    public async Task Handle(Change<CardTransaction> notification, CancellationToken cancellationToken)
    {
        if (notification.Operation is ChangeOperation.Insert or ChangeOperation.Read && notification.After is { } transaction)
        {
            if (detector.Observe(transaction) is { } alert)
            {
                await using var insert = dataSource.CreateCommand("""
                    INSERT INTO fraud.alerts (transaction_id, previous_transaction_id, account, from_city, to_city, distance_km, elapsed, implied_speed_kmh)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (transaction_id) DO NOTHING
                    """);
                insert.Parameters.Add(new() { Value = alert.ToTransaction });
                insert.Parameters.Add(new() { Value = alert.FromTransaction });
                insert.Parameters.Add(new() { Value = alert.Account });
                insert.Parameters.Add(new() { Value = alert.FromCity });
                insert.Parameters.Add(new() { Value = alert.ToCity });
                insert.Parameters.Add(new() { Value = alert.DistanceKm });
                insert.Parameters.Add(new() { Value = alert.Elapsed });
                insert.Parameters.Add(new() { Value = double.IsInfinity(alert.ImpliedSpeedKmh) ? double.MaxValue : alert.ImpliedSpeedKmh });
                await insert.ExecuteNonQueryAsync(cancellationToken);
                log.Flagged(alert);
            }

            log.Seen(transaction.Id);
        }
    }
}

/// <summary>What the handler did, for the program's report and self-check.</summary>
public sealed class AlertLog
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _seen = [];
    private readonly List<TravelAlert> _alerts = [];

    public IReadOnlyList<TravelAlert> Alerts
    {
        get
        {
            lock (_gate)
            {
                return [.. _alerts];
            }
        }
    }

    public int SeenCount
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count;
            }
        }
    }

    public void Flagged(TravelAlert alert)
    {
        lock (_gate)
        {
            _alerts.Add(alert);
        }
    }

    public void Seen(long transactionId)
    {
        lock (_gate)
        {
            _seen.Add(transactionId);
        }
    }
}
