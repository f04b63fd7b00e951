namespace OutboxSdk.Sources.Notify;

/// <summary>Where one message of a delivery group stands.</summary>
internal enum DeliveryState : byte
{
    /// <summary>Not delivered yet: the group's next transaction takes it.</summary>
    Pending,

    /// <summary>Handled, dead-lettered or gone: it left the queue.</summary>
    Completed,

    /// <summary>
    /// Its key stopped at it or before it (a retry was scheduled, another delivery holds its row, or the dequeue
    /// refused it for order): it stays queued in the database and is claimed again later, behind what stopped it.
    /// </summary>
    Stopped,
}
