using OutboxSdk.Sources.Wal;

namespace OutboxSdk.Operations;

/// <summary>
/// The outbox's slot was invalidated (Postgres removed its WAL past <c>max_slot_wal_keep_size</c>) or dropped, and
/// the snapshot mode does not allow a new slot: starting one would skip what happened in between. The relay stops
/// and the health check reports Unhealthy until an operator decides (docs/operations.md).
/// </summary>
internal sealed class SlotLostException(string slot, string message) : InvalidOperationException(message)
{
    public string Slot { get; } = slot;
}
