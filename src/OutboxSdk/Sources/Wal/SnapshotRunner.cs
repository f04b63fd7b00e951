using System.Data;
using OutboxSdk.Delivery;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The initial snapshot of the change-feed tables: the slot is created on a replication connection with
/// EXPORT_SNAPSHOT, which gives a snapshot exactly at the slot's consistent point; a normal connection adopts it
/// (REPEATABLE READ + SET TRANSACTION SNAPSHOT) while the replication connection stays open and idle, and the
/// change feed reads every table's rows in it. They are delivered as <c>read</c> events at positions (0, n), below
/// every streamed event, and the completion is recorded; streaming then starts at the consistent point, so there is
/// no gap and no duplicate. After a lost slot (SnapshotMode.WhenNeeded) the outbox rows of its gap in the messages
/// table are delivered first, from the same snapshot (<see cref="GapReplay"/>); on a slot's first creation, the messages
/// the Notify queue holds (published before the slot existed). An interrupted snapshot is redone from the start with a
/// new slot (see <see cref="ReplicationSetup"/>).
/// </summary>
internal sealed class SnapshotRunner(WalDeliveryContext context, IChangeSink sink, ReplicationConnectionFactory connections)
{
    /// <param name="slot">The slot to create.</param>
    /// <param name="gapFrom">The last commit time a lost slot's stream processed, when its gap's outbox rows are to be delivered.</param>
    /// <param name="cancellationToken">Cancels the snapshot (redone at the next start).</param>
    public async Task CreateSlotAndDeliverAsync(string slot, DateTime? gapFrom, CancellationToken cancellationToken)
    {
        var replication = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (replication.ConfigureAwait(false))
        {
            var created = await replication.CreatePgOutputReplicationSlot(slot, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            WalLog.SlotCreated(context.Logger, slot, created.ConsistentPoint.ToString());
            await NoteFailoverAsync(slot, cancellationToken).ConfigureAwait(false);
            // The gap's bound stays in the position row until the snapshot completes, for a retry (ReplicationSql.AdvancePosition).
            await ExecuteAsync(context.Sql.ResetPosition, cancellationToken, slot, DBNull.Value, gapFrom is { } bound ? (object)DateTime.SpecifyKind(bound, DateTimeKind.Utc) : DBNull.Value)
                .ConfigureAwait(false);

            var delivery = new WalDelivery(context, static _ => { }, canStepDown: false);
            await using (delivery.ConfigureAwait(false))
            {
                await delivery.Ledger.LoadAsync(cancellationToken).ConfigureAwait(false);
                var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        // The name comes from the server (e.g. 00000003-00000002-1); quoted as a literal all the same.
                        var adopt = new NpgsqlCommand("SET TRANSACTION SNAPSHOT " + OutboxSchema.QuoteLiteral(created.SnapshotName!), connection, transaction);
                        await using (adopt.ConfigureAwait(false))
                        {
                            await adopt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }

                        var now = DateTime.UtcNow;
                        var taken = await SnapshotTimeAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                        var ordinal = 0;
                        var dequeue = new List<long>();
                        ordinal = gapFrom is { } lastCommit
                            ? await GapReplay.DeliverAsync(context, connection, transaction, delivery, lastCommit, ordinal, cancellationToken).ConfigureAwait(false)
                            : await GapReplay.DeliverQueuedAsync(context, connection, transaction, delivery, ordinal, dequeue, cancellationToken).ConfigureAwait(false);

                        var rows = 0;
                        var tables = context.Options.Replication.SnapshotMode == SnapshotMode.Never
                            ? AsyncEnumerable.Empty<object>()
                            : sink.ReadSnapshotAsync(connection, new ChangePosition(0, 0, 0, now), cancellationToken);
                        await foreach (var notification in tables.ConfigureAwait(false))
                        {
                            var at = new ChangePosition(0, ordinal++, 0, now);
                            rows++;
                            if (notification is ChangeFeedFailure failure)
                            {
                                // A row that does not convert: dead-lettered with the reason, the snapshot goes on.
                                var raw = Envelope.Unreadable(EnvelopeSource.ChangeFeed, failure.Source.DisplayName, [], now);
                                await delivery.RejectAsync(raw, new ReplicationPosition(at.CommitLsn, at.Ordinal), now, failure.Error.Message, cancellationToken).ConfigureAwait(false);
                                continue;
                            }

                            await delivery.DeliverChangeAsync(notification, notification.GetType().Name, at, cancellationToken).ConfigureAwait(false);
                        }

                        await delivery.FlushAsync(cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        // One implicit transaction: the snapshot is complete if and only if the queue rows it delivered are gone.
                        var complete = context.DataSource.CreateBatch();
                        await using (complete.ConfigureAwait(false))
                        {
                            complete.BatchCommands.Add(Command(context.Sql.CompleteSnapshot, slot, taken));
                            if (dequeue.Count > 0)
                            {
                                complete.BatchCommands.Add(Command(context.Sql.DequeueDelivered, dequeue.ToArray()));
                            }

                            await complete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                        WalLog.SnapshotDelivered(context.Logger, slot, rows);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A slot created with an exported snapshot is not a failover slot: Npgsql 10's CREATE_REPLICATION_SLOT has no
    /// FAILOVER option and no ALTER_REPLICATION_SLOT, and the SQL function exports no snapshot. Said, with the fix.
    /// </summary>
    private async Task NoteFailoverAsync(string slot, CancellationToken cancellationToken)
    {
        if (!context.Options.Replication.FailoverSlot)
        {
            return;
        }

        var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var (version, text) = await OutboxSdk.Hosting.PostgresVersions.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            TopologyLog.FailoverSlotUnavailable(context.Logger, slot, version / 10000 < OutboxSdk.Hosting.PostgresVersions.FailoverSlots
                ? $"the server is PostgreSQL {text}; failover slots need {OutboxSdk.Hosting.PostgresVersions.FailoverSlots}+"
                : $"it was created with an exported snapshot (initial snapshot or gap replay), which the replication protocol client cannot combine with FAILOVER; make it one with psql \"dbname={connection.Database} replication=database\" -c 'ALTER_REPLICATION_SLOT {slot} (FAILOVER true)' (docs/operations.md)");
        }
    }

    /// <summary>The server's time as the snapshot transaction began (right after the slot was created).</summary>
    private static async Task<DateTime> SnapshotTimeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT now()", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            return (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var batch = context.DataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(Command(sql, parameters));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value is DBNull
                ? new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }
}

/// <summary>The slot's initial snapshot has not completed yet (another instance is delivering it): wait, like a standby.</summary>
internal sealed class SnapshotPendingException(string slot) : Exception($"the initial snapshot of slot '{slot}' has not completed yet");
