namespace OutboxSdk.Sources.Notify;

/// <summary>
/// One key's messages waiting for delivery. Busy from the moment it is ready until its group is settled, so a key
/// is never in two groups at once.
/// </summary>
internal sealed class KeyQueue(string key)
{
    public string Key { get; } = key;

    public List<ClaimedMessage> Messages { get; } = [];

    public bool Busy { get; set; }
}
