using System.Collections.Concurrent;
using MediatR;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace Relay.Tests;

/// <summary>A step of an order; <see cref="Seq"/> is its position within the order's stream.</summary>
[OutboxMessage("tests.order-step")]
public partial record OrderStep([property: PartitionKey] string OrderId, int Seq) : INotification;

/// <summary>A message whose handler writes to the database through IOutboxContext.</summary>
[OutboxMessage("tests.ledger-entry")]
public partial record LedgerEntry([property: PartitionKey] string Account, int Amount) : INotification;

/// <summary>What the handlers saw; one per host, so two relays can be told apart.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new();

    public ConcurrentQueue<OrderStep> Steps { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <summary>Steps ("order/seq") that fail, with how many attempts fail before one succeeds (int.MaxValue: always).</summary>
    public ConcurrentDictionary<string, int> Failing { get; } = new();

    public void Record(OrderStep step)
    {
        Steps.Enqueue(step);
        foreach (var (_, wait) in _waits)
        {
            wait.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checked after every delivery; fails after a generous timeout.</summary>
    public Task WaitUntilAsync(Func<Recorder, bool> condition, int timeoutSeconds = 20) =>
        WaitUntilAsync(() => Task.FromResult(condition(this)), timeoutSeconds);

    /// <summary>Waits for a condition on state outside the recorder (a table), re-checked after each delivery and every 200 ms.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutSeconds = 20)
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
                    Assert.Fail($"timed out after {timeoutSeconds}s; {Steps.Count} step(s) recorded");
                }

                // A delivery completes the wait; the short cap re-checks conditions on state the recorder does not see (dead letters).
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
            throw new InvalidOperationException($"step {notification.OrderId}/{notification.Seq} fails (attempt {attempt})");
        }

        recorder.Record(notification);
        return Task.CompletedTask;
    }
}

/// <summary>Writes the entry in the delivery's transaction: exactly once, together with the inbox row.</summary>
public sealed class LedgerHandler(IOutboxContext context, Recorder recorder) : INotificationHandler<LedgerEntry>
{
    public async Task Handle(LedgerEntry notification, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO ledger (account, amount, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Account }, new() { Value = notification.Amount }, new() { Value = context.MessageId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        recorder.Record(new OrderStep("ledger:" + notification.Account, notification.Amount));
    }
}
