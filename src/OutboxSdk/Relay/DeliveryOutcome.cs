namespace OutboxSdk.Relay;

/// <summary>What became of one claimed message; anything but Completed stops its key for this batch.</summary>
internal enum DeliveryOutcome
{
    /// <summary>Handled (or dead-lettered, or gone): later messages of its key may follow.</summary>
    Completed,

    /// <summary>Failed; a retry is scheduled and the key waits for it.</summary>
    RetryScheduled,

    /// <summary>Another delivery holds its row (a relay taking over); the next batch sees it again.</summary>
    Busy,

    /// <summary>The relay is stopping; nothing was recorded.</summary>
    Cancelled,
}
