using MediatR;
using OutboxSdk;

namespace Topology.Tests;

/// <summary>A message of the topology tests; "key/seq" is what the handler records.</summary>
[OutboxMessage("topo.note")]
public partial record Note([property: PartitionKey] string Key, int Seq) : INotification;

public sealed class Recorder : OutboxSdk.TestSupport.Recorder<string>;

public sealed class NoteHandler(Recorder recorder) : INotificationHandler<Note>
{
    public Task Handle(Note notification, CancellationToken cancellationToken)
    {
        recorder.Record($"{notification.Key}/{notification.Seq}");
        return Task.CompletedTask;
    }
}
