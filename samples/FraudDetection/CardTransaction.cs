using OutboxSdk;

namespace FraudDetection;

/// <summary>
/// A card payment as the payments system records it. The change feed delivers every insert into
/// <c>fraud.card_transactions</c> as a <c>Change&lt;CardTransaction&gt;</c>; nothing in the payments path knows
/// about fraud detection.
/// </summary>
[ChangeFeed("fraud.card_transactions", ReplicaIdentity = ReplicaIdentity.Default)]
public partial record CardTransaction(
    [property: Key] long Id,
    string Account,
    string City,
    double Latitude,
    double Longitude,
    [property: AvroDecimal(12, 2)] decimal Amount,
    DateTimeOffset OccurredAt);
