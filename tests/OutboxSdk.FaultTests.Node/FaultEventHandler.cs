using MediatR;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace OutboxSdk.FaultTests.Node;

/// <summary>The relay's settings that handlers need: where effects go, who this relay is, how long a hang lasts.</summary>
public sealed record HandlerSettings(string EffectsTable, string Instance, TimeSpan HangFor);

/// <summary>
/// Misbehaves as the message asks, then records the delivery (at least once, <see cref="DeliveryLog"/>) and, for
/// messages with <see cref="FaultEvent.Effect"/>, writes the effect through <see cref="IOutboxContext"/> so that the
/// relay's inbox makes it exactly once.
/// </summary>
public sealed class FaultEventHandler(IOutboxContext context, DeliveryLog log, HandlerSettings settings) : INotificationHandler<FaultEvent>
{
    public async Task Handle(FaultEvent notification, CancellationToken cancellationToken)
    {
        switch (notification.Behaviour)
        {
            case Behaviours.Poison:
                throw new InvalidOperationException($"poison message {notification.Id} (key {notification.Key}, seq {notification.Seq}) always fails");
            case Behaviours.Flaky when context.Attempt <= Behaviours.FlakyFailures(notification.Id):
                throw new InvalidOperationException($"flaky handler fails attempt {context.Attempt} of {notification.Id}");
            case Behaviours.Hang when context.Attempt == 1:
                // A hung handler does not look at its token; the relay must give up on it at HandlerTimeout. Once it
                // wakes up it has been abandoned, and it must not record anything.
                await Task.Delay(settings.HangFor, CancellationToken.None);
                throw new TimeoutException($"hung handler of {notification.Id} woke up after being abandoned");
            case Behaviours.SlowContextWrite when context.Attempt == 1:
                await using (var slow = new NpgsqlCommand("SELECT pg_sleep($1)", context.Connection, context.Transaction))
                {
                    slow.Parameters.Add(new() { Value = settings.HangFor.TotalSeconds });
                    await slow.ExecuteNonQueryAsync(cancellationToken);
                }

                break;
        }

        cancellationToken.ThrowIfCancellationRequested();
        log.Record(notification, context.Attempt);
        if (notification.Effect)
        {
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {settings.EffectsTable} (id, key, seq, message_id, relay) VALUES ($1, $2, $3, $4, $5)", context.Connection, context.Transaction)
            {
                Parameters =
                {
                    new() { Value = notification.Id }, new() { Value = notification.Key }, new() { Value = notification.Seq },
                    new() { Value = context.MessageId }, new() { Value = settings.Instance },
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
