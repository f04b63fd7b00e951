using System.Collections.Concurrent;
using System.Diagnostics;
using MediatR;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.EndToEnd;

/// <summary>A message that goes through the whole stack: writer, trigger-fed queue, relay, MediatR handler.</summary>
[OutboxMessage("e2e.ping")]
public partial record E2EPing(Guid Id, [property: PartitionKey] string Key) : INotification;

/// <summary>What the handler saw: each ping with the trace it ran in.</summary>
public sealed class E2EProbe
{
    public ConcurrentDictionary<Guid, ActivityTraceId?> Seen { get; } = new();

    public async Task WaitForAsync(IEnumerable<Guid> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ids.All(Seen.ContainsKey))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not delivered within {timeout}: {string.Join(", ", ids.Where(i => !Seen.ContainsKey(i)))}");
            await Task.Delay(20);
        }
    }
}

public sealed class E2EPingHandler(E2EProbe probe) : INotificationHandler<E2EPing>
{
    public Task Handle(E2EPing notification, CancellationToken cancellationToken)
    {
        probe.Seen.TryAdd(notification.Id, Activity.Current?.TraceId);
        return Task.CompletedTask;
    }
}
