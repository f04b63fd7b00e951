using Hardening.Tests.Infrastructure;
using MediatR;
using OutboxSdk;

namespace Hardening.Evolution.V2;

/// <summary>The customer's tier; version 2 adds <see cref="Gold"/>.</summary>
public enum Tier
{
    Bronze,
    Silver,
    Gold,
}

/// <summary>
/// Version 2 of <c>hardening.customer-registered</c> (version 1 is in OutboxSdk.Hardening.V1): <c>Phone</c> renamed
/// to <see cref="Mobile"/> with an alias, <c>Fax</c> (which had a default) removed, <see cref="Tier.Gold"/> added,
/// and the optional <see cref="Referrer"/> added. BACKWARD compatible: this type reads everything version 1 wrote.
/// </summary>
[OutboxMessage("hardening.customer-registered")]
[AvroName("CustomerRegistered")]
public partial record CustomerRegistered(
    [property: PartitionKey] string CustomerId,
    int Seq,
    [property: AvroAlias("Phone")] string Mobile,
    Tier Tier,
    string? Referrer) : INotification;

public sealed class CustomerRegisteredV2Handler(Recorder recorder) : INotificationHandler<CustomerRegistered>
{
    public Task Handle(CustomerRegistered notification, CancellationToken cancellationToken)
    {
        recorder.Record(notification);
        return Task.CompletedTask;
    }
}

/// <summary>Version 1's handler, registered by hand in the version 1 hosts (its type is not in this assembly's registration).</summary>
public sealed class CustomerRegisteredV1Handler(Recorder recorder) : INotificationHandler<V1.CustomerRegistered>
{
    public Task Handle(V1.CustomerRegistered notification, CancellationToken cancellationToken)
    {
        recorder.Record(notification);
        return Task.CompletedTask;
    }
}
