using OutboxSdk.Delivery;
using OutboxSdk.Migrations;
using OutboxSdk.Internal;

namespace OutboxSdk.Retention;

/// <summary>
/// One retention run, in one transaction under a transaction-level advisory lock: creates the partitions of the
/// current and the next interval, then drops partitions whose upper bound is older than the window — unless
/// they still hold undelivered messages. Never DELETEs messages; see docs/retention.md.
/// </summary>
internal sealed class PartitionMaintainer(string schema, TimeSpan window, TimeSpan interval, IBacklogProbe probe, ILogger logger)
{
    // The advisory lock's first key: "OBXR" as an int, so the lock cannot collide with the migrator's or an
    // application's two-key locks; the second key is the schema's hash, so outboxes in other schemas run freely.
    private const int LockClass = 0x4F425852;

    private readonly string _quotedSchema = OutboxSchema.QuoteIdentifier(schema);
    private readonly string _messages = PartitionCatalog.MessagesTable(schema);

    public async Task<RetentionRun> RunAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Creating and dropping partitions takes an ACCESS EXCLUSIVE lock on messages; waiting behind a long
                // transaction would queue every writer behind us, so give up quickly and retry next run instead.
                await PgCommand.ExecuteAsync(connection, "SET LOCAL lock_timeout = '5s'", cancellationToken).ConfigureAwait(false);
                if (!await TryLockAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    RetentionLog.LockBusy(logger, schema);
                    return RetentionRun.Busy;
                }

                // Only the owner may create and drop partitions. A least-privileged publisher or relay (docs/security.md)
                // leaves the job to the process that connects as the owner, instead of failing every run.
                if (await CurrentRoleAsync(connection, cancellationToken).ConfigureAwait(false) is { } role)
                {
                    RetentionLog.NotOwner(logger, schema, role);
                    return RetentionRun.NotOwner;
                }

                var partitions = await PartitionCatalog.ReadAsync(connection, schema, cancellationToken).ConfigureAwait(false);
                var created = new List<string>();
                long moved = 0;
                var current = PartitionRange.Containing(now, interval);
                foreach (var range in new[] { current, current.Next })
                {
                    if (partitions.Any(p => !p.IsDefault && range.Overlaps(p.From, p.To)))
                    {
                        continue;
                    }

                    moved += await CreateAsync(connection, range, cancellationToken).ConfigureAwait(false);
                    created.Add(range.TableName);
                }

                var dropped = new List<string>();
                var kept = new List<string>();
                var expiry = now - window;
                foreach (var partition in partitions.Where(p => !p.IsDefault && p.To is { } to && to <= expiry))
                {
                    var quoted = _quotedSchema + "." + OutboxSchema.QuoteIdentifier(partition.Name);
                    if (await probe.HoldsUndeliveredAsync(connection, quoted, cancellationToken).ConfigureAwait(false))
                    {
                        RetentionLog.PartitionKept(logger, schema, partition.Name);
                        kept.Add(partition.Name);
                        continue;
                    }

                    // Parent first, as inserts lock them (see CreateAsync): DROP of a partition locks the parent too.
                    await PgCommand.ExecuteAsync(connection, $"LOCK TABLE {_messages} IN ACCESS EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
                    await PgCommand.ExecuteAsync(connection, "DROP TABLE " + quoted, cancellationToken).ConfigureAwait(false);
                    RetentionLog.PartitionDropped(logger, schema, partition.Name);
                    dropped.Add(partition.Name);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new RetentionRun(false, created, dropped, kept, moved);
            }
        }
    }

    /// <summary>The current role when it cannot act as the owner of the messages table, else null.</summary>
    private async Task<string?> CurrentRoleAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            "SELECT current_user FROM pg_class c WHERE c.oid = to_regclass($1) AND NOT pg_has_role(c.relowner, 'USAGE')", connection)
        {
            Parameters = { new() { Value = _messages } },
        };
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock($1, hashtext($2))", connection)
        {
            Parameters = { new() { Value = LockClass }, new() { Value = schema } },
        };
        await using (command.ConfigureAwait(false))
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>
    /// Creates the partition for <paramref name="range"/>. Postgres refuses to create it while the default partition
    /// holds rows of that range, so those rows (normally none: partitions are made an interval ahead) are first
    /// moved out, then re-inserted through the parent with their ids, inside this transaction.
    /// </summary>
    private async Task<long> CreateAsync(NpgsqlConnection connection, PartitionRange range, CancellationToken cancellationToken)
    {
        var defaultPartition = _quotedSchema + ".\"messages_default\"";
        var from = range.From.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'+00'", System.Globalization.CultureInfo.InvariantCulture);
        var to = range.To.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'+00'", System.Globalization.CultureInfo.InvariantCulture);
        var inRange = $"\"created_at\" >= '{from}' AND \"created_at\" < '{to}'";

        // Locks in the order inserts take them — the parent first, then the partition — or the two deadlock:
        // CREATE TABLE ... PARTITION OF needs the parent, and an insert holds the parent while it routes the row.
        // SHARE ROW EXCLUSIVE on the parent (what CREATE ... PARTITION OF takes anyway) pauses writers for the move;
        // EXCLUSIVE on the default keeps any row of the range from landing there between the move and the CREATE.
        await PgCommand.ExecuteAsync(connection, $"LOCK TABLE {_messages} IN SHARE ROW EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        await PgCommand.ExecuteAsync(connection, $"LOCK TABLE {defaultPartition} IN EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        await PgCommand.ExecuteAsync(connection, $"""
            CREATE TEMP TABLE "outbox_moving" ON COMMIT DROP AS
            WITH moved AS (DELETE FROM {defaultPartition} WHERE {inRange} RETURNING *) SELECT * FROM moved
            """, cancellationToken).ConfigureAwait(false);

        var name = OutboxSchema.QuoteIdentifier(range.TableName);
        await PgCommand.ExecuteAsync(connection, $"CREATE TABLE {_quotedSchema}.{name} PARTITION OF {_messages} FOR VALUES FROM ('{from}') TO ('{to}')",
            cancellationToken).ConfigureAwait(false);

        // OVERRIDING SYSTEM VALUE keeps the rows' ids, which the relay's queue refers to; the relay's enqueue
        // trigger must not see these rows as new messages (they are queued already, or delivered), so it is told
        // to stand aside for this transaction.
        await PgCommand.ExecuteAsync(connection, $"SET LOCAL {RelayQueueMigration.SkipEnqueueSetting} = 'on'", cancellationToken).ConfigureAwait(false);
        var moved = await PgCommand.ExecuteAsync(connection, $"INSERT INTO {_messages} OVERRIDING SYSTEM VALUE SELECT * FROM \"outbox_moving\"",
            cancellationToken).ConfigureAwait(false);
        if (moved > 0)
        {
            RetentionLog.RowsMovedFromDefault(logger, schema, range.TableName, moved);
        }

        await PgCommand.ExecuteAsync(connection, "DROP TABLE \"outbox_moving\"", cancellationToken).ConfigureAwait(false);
        RetentionLog.PartitionCreated(logger, schema, range.TableName, range.From, range.To);
        return moved;
    }

}
