namespace OutboxSdk.Relay;

/// <summary>The relay's log event ids, in one place so they stay unique (1000-1099).</summary>
internal static class RelayEventIds
{
    public const int Active = 1000;
    public const int Standby = 1001;
    public const int Stopped = 1002;
    public const int ConnectionLost = 1003;
    public const int HandlerFailed = 1004;
    public const int DeadLettered = 1005;
    public const int MessageMissing = 1006;
    public const int Claimed = 1007;
    public const int DuplicateSkipped = 1008;
    public const int TriggerChannelInstalled = 1009;
    public const int DeliveryFaulted = 1010;
    public const int SessionNotEnded = 1011;
    public const int ConnectionAbandoned = 1012;
    public const int QueueTriggerEnabled = 1013;
}
