using System.Collections.Concurrent;
using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Replication.Tests;

/// <summary>A step of an order; <see cref="Seq"/> is its position within the order's stream.</summary>
[OutboxMessage("repl.order-step")]
public partial record OrderStep([property: PartitionKey] string OrderId, int Seq) : INotification;

/// <summary>A message whose handler writes to the database through IOutboxContext.</summary>
[OutboxMessage("repl.ledger-entry")]
public partial record LedgerEntry([property: PartitionKey] string Account, int Amount) : INotification;

/// <summary>A big message, for transactions large enough to be streamed.</summary>
[OutboxMessage("repl.blob")]
public partial record Blob(string Id, string Data) : INotification;

/// <summary>What the handlers saw; one per host, so two relays can be told apart.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new();

    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>The change-feed notifications handled, in order (recorded before <see cref="Seen"/>).</summary>
    public ConcurrentQueue<object> Notifications { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <summary>Items that fail, with how many attempts fail before one succeeds (int.MaxValue: always).</summary>
    public ConcurrentDictionary<string, int> Failing { get; } = new();

    /// <summary>Called (once) when the ledger entry with this amount is handled, before it completes.</summary>
    public ConcurrentDictionary<int, Func<Task>> OnLedger { get; } = new();

    public int BlobCount;

    public void Record(string item)
    {
        Seen.Enqueue(item);
        foreach (var (_, wait) in _waits)
        {
            wait.TrySetResult();
        }
    }

    public Task WaitUntilAsync(Func<Recorder, bool> condition, int timeoutSeconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition(this)), timeoutSeconds);

    /// <summary>Waits until <paramref name="condition"/> holds, re-checked after each delivery and every 200 ms; fails after a generous timeout.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            var key = Guid.NewGuid().ToString();
            var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits[key] = wait;
            try
            {
                if (await condition())
                {
                    return;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    Assert.Fail($"timed out after {timeoutSeconds}s; {Seen.Count} item(s) recorded");
                }

                await Task.WhenAny(wait.Task, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds))));
            }
            finally
            {
                _waits.TryRemove(key, out _);
            }
        }
    }
}

public sealed class OrderStepHandler(Recorder recorder) : INotificationHandler<OrderStep>
{
    public Task Handle(OrderStep notification, CancellationToken cancellationToken)
    {
        var step = $"{notification.OrderId}/{notification.Seq}";
        var attempt = recorder.Attempts.AddOrUpdate(step, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(step, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"step {step} fails (attempt {attempt})");
        }

        recorder.Record(step);
        return Task.CompletedTask;
    }
}

/// <summary>Writes the entry in the delivery's transaction: exactly once, together with the position.</summary>
public sealed class LedgerHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<LedgerEntry>
{
    public async Task Handle(LedgerEntry notification, CancellationToken cancellationToken)
    {
        await using (var command = new Npgsql.NpgsqlCommand("INSERT INTO ledger (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Account }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (recorder.OnLedger.TryRemove(notification.Amount, out var hook))
        {
            await hook();
        }

        recorder.Record("ledger:" + notification.Account + "/" + notification.Amount);
    }
}

public sealed class BlobHandler(Recorder recorder) : INotificationHandler<Blob>
{
    public Task Handle(Blob notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref recorder.BlobCount);
        recorder.Record("blob:" + notification.Id);
        return Task.CompletedTask;
    }
}
