using Hardening.Tests.Infrastructure;
using MediatR;
using OutboxSdk;

namespace Hardening.Tests.BadInput;

/// <summary>The simplest message: a key and its position in the key's stream.</summary>
[OutboxMessage("hardening.ping")]
public partial record Ping([property: PartitionKey] string Key, int Seq) : INotification;

public sealed class PingHandler(Recorder recorder) : INotificationHandler<Ping>
{
    public Task Handle(Ping notification, CancellationToken cancellationToken)
    {
        recorder.Record(notification);
        return Task.CompletedTask;
    }
}
