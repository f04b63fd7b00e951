using MediatR;
using OutboxSdk;

namespace Hardening.Evolution.Breaking;

/// <summary>The customer's tier, as version 1 has it.</summary>
public enum Tier
{
    Bronze,
    Silver,
}

/// <summary>
/// A version 2 that breaks BACKWARD compatibility with version 1: <c>Country</c> is new and has no default, so
/// messages written by version 1 could not be read.
/// </summary>
[OutboxMessage("hardening.customer-registered")]
[AvroName("CustomerRegistered")]
public partial record CustomerRegistered(
    [property: PartitionKey] string CustomerId,
    int Seq,
    string Phone,
    [property: AvroDefault("\"none\"")] string Fax,
    Tier Tier,
    string Country) : INotification;
