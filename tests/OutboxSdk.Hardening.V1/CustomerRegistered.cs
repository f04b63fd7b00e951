using MediatR;
using OutboxSdk;

namespace Hardening.Evolution.V1;

/// <summary>The customer's tier; version 1 knows two.</summary>
public enum Tier
{
    Bronze,
    Silver,
}

/// <summary>
/// Version 1 of the message the evolution test upgrades: version 2 (in the test assembly) adds <c>Referrer</c>,
/// drops <c>Fax</c> (which has a default), renames <c>Phone</c> to <c>Mobile</c> with an alias and adds a tier.
/// </summary>
[OutboxMessage("hardening.customer-registered")]
[AvroName("CustomerRegistered")]
public partial record CustomerRegistered(
    [property: PartitionKey] string CustomerId,
    int Seq,
    string Phone,
    [property: AvroDefault("\"none\"")] string Fax,
    Tier Tier) : INotification;
