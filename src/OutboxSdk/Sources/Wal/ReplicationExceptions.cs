namespace OutboxSdk.Sources.Wal;

/// <summary>A change-feed table no longer matches its entity: the relay stops there, acknowledging nothing after it.</summary>
internal sealed class IncompatibleRelationException(string table, string reason)
    : Exception($"the change-feed table {table} no longer matches its entity: {reason}")
{
    public string Table { get; } = table;
}

/// <summary>The server refused new connections while shutting down, so the session ended to let its walsender exit; the relay reconnects.</summary>
internal sealed class ServerShuttingDownException(string slot)
    : Exception($"the server is shutting down: the replication session on slot '{slot}' ended so the server can stop; it reconnects when the server is back");
