using OutboxSdk.Retention;

namespace OutboxSdk.Observability;

/// <summary>A registered message schema.</summary>
/// <param name="Subject">The message subject.</param>
/// <param name="Version">The subject's version, 1 for the first.</param>
/// <param name="Fingerprint">The Avro CRC-64-AVRO fingerprint, as stored (a signed bigint).</param>
public sealed record RegisteredSchema(string Subject, int Version, long Fingerprint);

/// <summary>A snapshot of one outbox: what <c>outbox status</c> prints.</summary>
/// <param name="Schema">The Postgres schema.</param>
/// <param name="Backlog">Undelivered messages: in Notify mode the queue's, in Replication mode the outbox rows written after the last processed commit (see <see cref="Replication"/>).</param>
/// <param name="BacklogAge">Age of the oldest undelivered message; zero when none.</param>
/// <param name="DeadLetters">Rows in <c>dead_letters</c>.</param>
/// <param name="Partitions">Partitions of <c>messages</c>, oldest range first, the default partition first of all.</param>
/// <param name="Schemas">Registered schemas by subject and version.</param>
/// <param name="Slots">The outbox's replication slots (Replication mode; see <see cref="OutboxSdk.Operations.ReplicationSlots.ForSchemaAsync"/>).</param>
public sealed record OutboxStatus(
    string Schema,
    long Backlog,
    TimeSpan BacklogAge,
    long DeadLetters,
    IReadOnlyList<OutboxPartition> Partitions,
    IReadOnlyList<RegisteredSchema> Schemas,
    IReadOnlyList<OutboxSdk.Operations.ReplicationSlotInfo>? Slots = null)
{
    /// <summary>
    /// The relay mode the numbers are of: the one asked for, else the one the database shows (the Notify queue's enqueue
    /// trigger is off in Replication mode, which turns it off).
    /// </summary>
    public RelayMode Mode { get; init; } = RelayMode.Notify;

    /// <summary>In Replication mode, the slot's lag and the messages after the last processed commit; null in Notify mode.</summary>
    public ReplicationBacklog? Replication { get; init; }

    /// <summary>Reads the status of the outbox in <paramref name="schema"/>, in the mode the database shows.</summary>
    /// <exception cref="InvalidOperationException">The schema has no outbox tables.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static Task<OutboxStatus> ReadAsync(NpgsqlDataSource dataSource, string schema = OutboxSchema.DefaultSchema, CancellationToken cancellationToken = default) =>
        ReadAsync(dataSource, schema, null, cancellationToken);

    /// <summary>Reads the status of the outbox in <paramref name="schema"/> for relay mode <paramref name="mode"/> (null: the mode the database shows).</summary>
    /// <exception cref="InvalidOperationException">The schema has no outbox tables.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    internal static async Task<OutboxStatus> ReadAsync(NpgsqlDataSource dataSource, string schema, RelayMode? mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!await PartitionCatalog.ExistsAsync(connection, schema, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"schema '{schema}' has no outbox tables (apply the migrations first)");
            }

            var s = OutboxSchema.QuoteIdentifier(schema);
            var relayMode = mode ?? await DetectModeAsync(connection, schema, cancellationToken).ConfigureAwait(false);
            var deadLetters = await ReadAsync(connection, $"SELECT count(*) FROM {s}.\"dead_letters\"", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
            var partitions = await PartitionCatalog.ReadAsync(connection, schema, cancellationToken).ConfigureAwait(false);
            var schemas = await ReadAsync(connection, $"SELECT \"subject\", \"version\", \"fingerprint\" FROM {s}.\"schemas\" ORDER BY 1, 2",
                r => new RegisteredSchema(r.GetString(0), r.GetInt32(1), r.GetInt64(2)), cancellationToken).ConfigureAwait(false);
            var slots = await OutboxSdk.Operations.ReplicationSlots.ForSchemaAsync(connection, schema, cancellationToken).ConfigureAwait(false);
            if (relayMode == RelayMode.Replication)
            {
                // The Notify queue is not written in this mode (its trigger is off): the backlog is the slot's.
                var replication = await ReplicationBacklog.ReadAsync(connection, schema, slots, cancellationToken).ConfigureAwait(false);
                return new OutboxStatus(schema, replication.Messages, replication.OldestAge, deadLetters[0], partitions, schemas, slots) { Mode = relayMode, Replication = replication };
            }

            var (backlog, age) = await new PendingBacklogProbe(schema).MeasureAsync(connection, cancellationToken).ConfigureAwait(false);
            return new OutboxStatus(schema, backlog, age, deadLetters[0], partitions, schemas, slots) { Mode = relayMode };
        }
    }

    /// <summary>Replication when the enqueue trigger of <c>messages</c> is disabled (what the Replication relay's setup does), else Notify.</summary>
    private static async Task<RelayMode> DetectModeAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT bool_and(t.tgenabled = 'D') FROM pg_trigger t WHERE t.tgrelid = to_regclass($1) AND t.tgname = $2", connection)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = OutboxSchema.QuoteIdentifier(schema) + ".\"messages\"" },
                new NpgsqlParameter<string> { TypedValue = OutboxSdk.Migrations.RelayQueueSwitch.TriggerName },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true ? RelayMode.Replication : RelayMode.Notify;
        }
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(row(reader));
                }
            }
        }

        return rows;
    }
}
