namespace OutboxSdk;

/// <summary>
/// The delivery in progress, for a handler that writes to the same database: its writes made on
/// <see cref="Connection"/> inside <see cref="Transaction"/> commit together with the message's completion mark,
/// so a redelivered message is skipped (inbox) and the effect happens exactly once. Resolve it from the
/// handler's DI scope; outside a delivery it throws.
/// </summary>
public interface IOutboxContext
{
    /// <summary>The outbox message id.</summary>
    Guid MessageId { get; }

    /// <summary>The message's subject.</summary>
    string Subject { get; }

    /// <summary>The partition key, if any.</summary>
    string? PartitionKey { get; }

    /// <summary>1 for the first attempt.</summary>
    int Attempt { get; }

    /// <summary>The delivery's open connection.</summary>
    NpgsqlConnection Connection { get; }

    /// <summary>The delivery's transaction; the relay commits it after the handlers succeed.</summary>
    NpgsqlTransaction Transaction { get; }
}
