namespace OutboxSdk.Sources.Wal;

/// <summary>The checks of <see cref="ReplicationOptions"/>, run by <see cref="OutboxOptionsValidator"/> with the rest.</summary>
internal static class ReplicationOptionsValidation
{
    public static void Validate(OutboxOptions options, List<string> failures)
    {
        var replication = options.Replication;
        if (replication.WriteMode == OutboxWriteMode.LogicalMessage && options.RelayMode != RelayMode.Replication)
        {
            failures.Add("OutboxOptions.Replication.WriteMode: LogicalMessage writes no table row, so only the Replication relay can deliver it; set OutboxOptions.RelayMode = RelayMode.Replication, or WriteMode = OutboxWriteMode.Table.");
        }

        if (options.RelayMode != RelayMode.Replication && replication.WriteMode == OutboxWriteMode.Table)
        {
            return; // the other replication options are not used
        }

        if (string.IsNullOrEmpty(options.Schema))
        {
            return; // reported by the schema check; every default name derives from it
        }

        // The database only enters the default slot name, which is valid whatever it is (folded, cut, hashed).
        var names = ReplicationNames.For(options, database: "postgres");
        if (ReplicationNames.SlotProblem(names.Slot) is { } slot)
        {
            var which = replication.SlotName is null ? "the default slot name" : "OutboxOptions.Replication.SlotName";
            failures.Add($"OutboxOptions.Replication.SlotName: {which} '{names.Slot}' {slot}; set a SlotName such as 'outbox_orders'.");
        }

        if (ReplicationNames.PublicationProblem(names.Publication) is { } publication)
        {
            var which = replication.PublicationName is null ? "the default publication name 'outbox_<Schema>'" : "OutboxOptions.Replication.PublicationName";
            failures.Add($"OutboxOptions.Replication.PublicationName: {which} ('{names.Publication}') {publication}; set a PublicationName such as 'outbox_orders'.");
        }

        if (names.MessagePrefix.Length == 0 || names.MessagePrefix.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(names.MessagePrefix) > 255)
        {
            failures.Add($"OutboxOptions.Replication.MessagePrefix must be 1 to 255 bytes without NUL characters (it is '{names.MessagePrefix}'); the default is 'outbox:<Schema>'.");
        }

        if (replication.HeartbeatInterval <= TimeSpan.Zero && replication.HeartbeatInterval != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"OutboxOptions.Replication.HeartbeatInterval must be positive, or Timeout.InfiniteTimeSpan for no heartbeat (it is {replication.HeartbeatInterval}); the default is 10 s.");
        }

        if (replication.GapReplayMargin < TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.Replication.GapReplayMargin must not be negative (it is {replication.GapReplayMargin}); set it above the longest transaction that publishes (default 15 minutes).");
        }

        if (replication.StandbyRetryInterval <= TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.Replication.StandbyRetryInterval must be positive (it is {replication.StandbyRetryInterval}); the default is 2 s.");
        }

        if (replication.StreamBufferBytes < 64 * 1024)
        {
            failures.Add($"OutboxOptions.Replication.StreamBufferBytes must be at least 65536 (64 KiB; it is {replication.StreamBufferBytes}); the default is 64 MiB, and changes beyond it spill to a temporary file.");
        }

        if (!Enum.IsDefined(replication.SnapshotMode))
        {
            failures.Add($"OutboxOptions.Replication.SnapshotMode {(int)replication.SnapshotMode} is not a SnapshotMode; use Initial (the default), Never or WhenNeeded.");
        }

        if (replication.ConnectionString is { } connectionString)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException e)
            {
                failures.Add("OutboxOptions.Replication.ConnectionString is not a valid Npgsql connection string (" + e.Message + ").");
            }
        }
    }
}
