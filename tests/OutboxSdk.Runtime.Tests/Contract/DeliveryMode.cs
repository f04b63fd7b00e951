using Npgsql;
using OutboxSdk;
using OutboxSdk.Sources.Wal;

namespace Contract.Tests;

/// <summary>
/// One way of running the outbox, as the contract suite sees it: how to configure it, how to write a message the SDK
/// did not encode (bad input), and the documented differences between modes, as properties the tests consult.
/// </summary>
public abstract class DeliveryMode
{
    public static DeliveryMode Notify { get; } = new NotifyMode();

    public static DeliveryMode WalTable { get; } = new WalMode(OutboxWriteMode.Table);

    public static DeliveryMode WalLogicalMessage { get; } = new WalMode(OutboxWriteMode.LogicalMessage);

    public abstract string Name { get; }

    /// <summary>
    /// Whether a failing message holds back every later event while it is retried (the WAL source delivers in stream
    /// order), rather than only the later messages of its own key (the Notify source).
    /// </summary>
    public abstract bool RetryHoldsTheStream { get; }

    /// <summary>Whether the mode is fenced by a replication slot (and so leaves a slot and a publication to drop).</summary>
    public abstract bool UsesSlot { get; }

    public abstract void Configure(OutboxOptions options);

    /// <summary>Writes, committed, a message with this subject, key and raw payload, as another writer might.</summary>
    public abstract Task WriteRawAsync(NpgsqlDataSource dataSource, string schema, string subject, string key, long fingerprint, byte[] payload);

    public override string ToString() => Name;

    private sealed class NotifyMode : DeliveryMode
    {
        public override string Name => "Notify";

        public override bool RetryHoldsTheStream => false;

        public override bool UsesSlot => false;

        public override void Configure(OutboxOptions options) => options.RelayMode = RelayMode.Notify;

        public override Task WriteRawAsync(NpgsqlDataSource dataSource, string schema, string subject, string key, long fingerprint, byte[] payload) =>
            InsertRowAsync(dataSource, subject, key, fingerprint, payload); // the queue's trigger queues and notifies it
    }

    private sealed class WalMode(OutboxWriteMode writeMode) : DeliveryMode
    {
        public override string Name => writeMode == OutboxWriteMode.Table ? "Replication (Table)" : "Replication (LogicalMessage)";

        public override bool RetryHoldsTheStream => true;

        public override bool UsesSlot => true;

        public override void Configure(OutboxOptions options)
        {
            options.RelayMode = RelayMode.Replication;
            options.Replication.WriteMode = writeMode;
            options.Replication.StandbyRetryInterval = TimeSpan.FromMilliseconds(500);
        }

        public override async Task WriteRawAsync(NpgsqlDataSource dataSource, string schema, string subject, string key, long fingerprint, byte[] payload)
        {
            if (writeMode == OutboxWriteMode.Table)
            {
                await InsertRowAsync(dataSource, subject, key, fingerprint, payload);
                return;
            }

            await using var emit = dataSource.CreateCommand("SELECT pg_logical_emit_message(true, $1, $2)");
            emit.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "outbox:" + schema });
            emit.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = LogicalMessageFraming.Encode(Guid.NewGuid(), subject, key, fingerprint, "{}", payload) });
            await emit.ExecuteNonQueryAsync();
        }
    }

    private static async Task InsertRowAsync(NpgsqlDataSource dataSource, string subject, string key, long fingerprint, byte[] payload)
    {
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), $1, $2, $3, $4)");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fingerprint });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
        await insert.ExecuteNonQueryAsync();
    }
}
