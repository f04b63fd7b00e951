namespace OutboxSdk.FaultTests;

/// <summary>
/// The relay modes every scenario runs in, by name, passed to the publisher and relay processes. A new mode is one
/// line here plus its options in the node's <c>ModeOptions.Apply</c> (and, if it has a queue of its own to drain,
/// its query in <see cref="BacklogSql"/>).
/// </summary>
public static class RelayModes
{
    // Every mode in the reduced form (the README's test command) and in the soak: Notify, Replication with outbox
    // rows, Replication with table-less WAL messages.
    public static TheoryData<string> All { get; } = new() { "Notify", "Replication", "ReplicationLogicalMessage" };

    /// <summary>
    /// A query of what the relay still has to do, beyond what the ledger shows (0 when idle), or null when the ledger
    /// says it all. Notify: the queue table, which holds a row until its message completed or went to dead letters.
    /// </summary>
    public static string? BacklogSql(string mode, string quotedSchema) => mode switch
    {
        "Notify" => $"SELECT count(*) FROM {quotedSchema}.\"pending\"", // undefined until the relay's first start: counted as busy
        _ => null,
    };
}
