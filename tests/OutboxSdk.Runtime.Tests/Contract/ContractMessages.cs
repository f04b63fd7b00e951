using MediatR;
using Npgsql;
using OutboxSdk;
using OutboxSdk.TestSupport;

namespace Contract.Tests;

/// <summary>A step of a key's stream; <see cref="Seq"/> is its position in the order its publisher committed it.</summary>
[OutboxMessage("contract.step")]
public partial record ContractStep([property: PartitionKey] string Key, int Seq) : INotification;

/// <summary>A message whose handler has an effect in the database, written through <see cref="IOutboxContext"/>.</summary>
[OutboxMessage("contract.effect")]
public partial record ContractEffect([property: PartitionKey] string Key, int Seq) : INotification;

/// <summary>What one host's handlers saw: "key/seq" per step, in order.</summary>
public sealed class ContractRecorder : Recorder<string>;

public sealed class ContractStepHandler(ContractRecorder recorder) : INotificationHandler<ContractStep>
{
    public Task Handle(ContractStep notification, CancellationToken cancellationToken)
    {
        var step = $"{notification.Key}/{notification.Seq}";
        var attempt = recorder.Attempts.AddOrUpdate(step, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(step, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"step {step} fails (attempt {attempt})");
        }

        recorder.Record(step);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Writes the effect in the delivery's transaction, then fails as the recorder says ("effect:key/seq"): a failed
/// attempt's write must roll back with it, and the attempt that succeeds commits the effect with the delivery.
/// </summary>
public sealed class ContractEffectHandler(IOutboxContext context, ContractRecorder recorder) : INotificationHandler<ContractEffect>
{
    public async Task Handle(ContractEffect notification, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("INSERT INTO effects (key, seq, message_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
        {
            Parameters = { new() { Value = notification.Key }, new() { Value = notification.Seq }, new() { Value = context.MessageId } },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var item = $"effect:{notification.Key}/{notification.Seq}";
        var attempt = recorder.Attempts.AddOrUpdate(item, 1, (_, n) => n + 1);
        if (recorder.Failing.TryGetValue(item, out var failures) && attempt <= failures)
        {
            throw new InvalidOperationException($"{item} fails (attempt {attempt}) after writing its effect");
        }

        recorder.Record(item);
    }
}
