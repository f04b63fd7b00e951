using MediatR;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// One message of the stream. <see cref="Id"/> links it to the publisher's ledger row; <see cref="Seq"/> is its
/// position in its key's stream; <see cref="Behaviour"/> (<see cref="Behaviours"/>) tells the handler how to misbehave;
/// <see cref="Effect"/> says whether the handler writes its effect through IOutboxContext (exactly once) or only
/// records the delivery (at least once).
/// </summary>
[OutboxMessage("fault.event")]
public partial record FaultEvent(Guid Id, [property: PartitionKey] string Key, long Seq, int Behaviour, bool Effect) : INotification;

/// <summary>The handler behaviours a message can ask for.</summary>
public static class Behaviours
{
    /// <summary>Handled at once.</summary>
    public const int Normal = 0;

    /// <summary>The handler always throws: the message must end in dead letters with the error.</summary>
    public const int Poison = 1;

    /// <summary>The handler throws on its first one or two attempts, then succeeds.</summary>
    public const int Flaky = 2;

    /// <summary>The first attempt hangs past HandlerTimeout, ignoring its cancellation token; the next one succeeds.</summary>
    public const int Hang = 3;

    /// <summary>
    /// The first attempt's write through IOutboxContext takes longer than HandlerTimeout (<c>pg_sleep</c> on the
    /// delivery's connection, with the handler's token passed, as a well-behaved handler does); the next one is quick.
    /// </summary>
    public const int SlowContextWrite = 4;

    /// <summary>How many attempts of a flaky message fail: 1 or 2, fixed by its id so every relay process agrees.</summary>
    public static int FlakyFailures(Guid id) => 1 + (id.ToByteArray()[15] & 1);
}
