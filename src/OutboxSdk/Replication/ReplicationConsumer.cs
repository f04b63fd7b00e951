using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Replication;

/// <summary>
/// One streaming session on the slot: START_REPLICATION (pgoutput, protocol v2 with streaming, logical messages on),
/// then, in stream order, transactions are assembled and their events dispatched through
/// <see cref="ReplicationDelivery"/>. A non-streamed transaction arrives whole at its commit (pgoutput sends only
/// committed ones), so its events are dispatched as they arrive; a streamed one is kept in
/// <see cref="StreamedTransactions"/> until StreamCommit. Commits are dispatched in commit order. The batch is
/// committed, and the slot acknowledged, whenever the stream pauses. Ends by cancellation or by throwing (a lost
/// connection, a slot another process streams from: SQLSTATE 55006).
/// </summary>
internal sealed class ReplicationConsumer(
    ReplicationDeliveryContext context,
    ReplicationNames names,
    IChangeSink sink,
    ReplicationConnectionFactory connections,
    StreamBufferBudget budget)
{
    /// <summary>The prefix of heartbeat messages; non-transactional, so they are decoded as soon as they are written.</summary>
    public const string HeartbeatPrefix = "outbox-heartbeat";

    private static readonly TimeSpan IdleFlushDelay = TimeSpan.FromMilliseconds(100);
    private const int ReadAhead = 256;

    private readonly ReplicationState _state = context.State;
    private readonly ILogger _logger = context.Logger;
    private readonly OutboxRowReader _rows = new();
    private bool _maintenance;
    private bool _waiting;
    private long _eventStarted;

    /// <summary>Whether this session got as far as streaming: its failure then starts a new run of reconnect attempts.</summary>
    public bool Streamed { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        // A larger read buffer than Npgsql's 8 KiB: the stream is read sequentially and in bulk.
        var connection = await connections.OpenAsync(stopping, readBufferSize: 64 * 1024).ConfigureAwait(false);

        // The server learns of acknowledgements at this pace (and on heartbeats at once); Npgsql also answers keepalives.
        connection.WalReceiverStatusInterval = TimeSpan.FromSeconds(1);
        await using (connection.ConfigureAwait(false))
        {
            using var streamed = new StreamedTransactions(budget);
            var delivery = new ReplicationDelivery(context, lsn => connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn)));
            await using (delivery.ConfigureAwait(false))
            {
                await delivery.LoadAsync(stopping).ConfigureAwait(false);
                if (!delivery.SnapshotDone)
                {
                    throw new SnapshotPendingException(names.Slot); // streaming first would put changes before the rows they change
                }

                using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                using var stream = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var heartbeat = HeartbeatAsync(stream, session.Token);
                try
                {
                    await StreamAsync(connection, delivery, streamed, stream.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stream.IsCancellationRequested && !stopping.IsCancellationRequested)
                {
                    throw new ServerShuttingDownException(names.Slot);
                }
                finally
                {
                    _state.Streaming = false;
                    await session.CancelAsync().ConfigureAwait(false);
                    await heartbeat.ConfigureAwait(false);
                }
            }
        }
    }

    private async Task StreamAsync(LogicalReplicationConnection connection, ReplicationDelivery delivery, StreamedTransactions streamed, CancellationToken stopping)
    {
        var options = new PgOutputReplicationOptions([names.Publication], PgOutputProtocolVersion.V2, context.Options.Replication.Binary, PgOutputStreamingMode.On, messages: true);
        var messages = connection.StartReplication(new PgOutputReplicationSlot(names.Slot), options, stopping);

        // Two stages: one task reads and copies the stream (Npgsql's parsing and ours), this one dispatches. They
        // overlap on separate cores; the channel between them holds at most ReadAhead copied events.
        var channel = Channel.CreateBounded<ReplicationEvent>(new BoundedChannelOptions(ReadAhead)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var producer = Task.Run(() => ReadIntoAsync(messages, channel.Writer, reading.Token), CancellationToken.None);
        try
        {
            Transaction? current = null;
            var ordinal = 0;
            var handlerRunning = false;
            try
            {
                while (true)
                {
                    if (!channel.Reader.TryRead(out var e))
                    {
                        Volatile.Write(ref _waiting, true);
                        var ready = channel.Reader.WaitToReadAsync(stopping).AsTask();
                        if (delivery.HasUnflushed && await Task.WhenAny(ready, Task.Delay(IdleFlushDelay, context.Time, stopping)).ConfigureAwait(false) != ready)
                        {
                            // Quiet for IdleFlushDelay: the stream paused; the batch is made durable and the slot acknowledged.
                            await delivery.FlushAsync(stopping).ConfigureAwait(false);
                        }

                        var more = await ready.ConfigureAwait(false);
                        Volatile.Write(ref _waiting, false);
                        if (!more)
                        {
                            await channel.Reader.Completion.ConfigureAwait(false); // the reader's fault, if any
                            return;
                        }

                        continue;
                    }

                    if (!_state.Streaming)
                    {
                        _state.Streaming = true;
                        Streamed = true;
                        _state.StoppedReason = null;
                        ReplicationLog.Streaming(_logger, names.Slot, names.Publication, delivery.Durable.ToString());
                    }

                    context.Heartbeat?.Beat();
                    Volatile.Write(ref _eventStarted, context.Time.GetTimestamp());
                    handlerRunning = true;
                    switch (e)
                    {
                        case TransactionBegun begun:
                            current = new Transaction(begun.CommitLsn, begun.Xid, begun.CommitTime);
                            ordinal = 0;
                            _maintenance = false;
                            break;
                        case TransactionCommitted committed:
                            current = null;
                            delivery.TransactionCompleted(committed.EndLsn);
                            if (delivery.FlushDue)
                            {
                                await delivery.FlushAsync(stopping).ConfigureAwait(false);
                            }

                            break;
                        case RelationSeen relation:
                            if (sink.CheckRelation(relation.Relation, relation.ReplicaIdentity) is { } problem)
                            {
                                throw new IncompatibleRelationException(relation.Relation.DisplayName, problem);
                            }

                            break;
                        case DecodingMessage { Transactional: false } message:
                            if (message.Prefix == HeartbeatPrefix && current is null && streamed.Count == 0)
                            {
                                delivery.AcknowledgeIdle(Math.Max(message.MessageLsn, message.WalEnd));
                                await SendStatusAsync(connection, producer, stopping).ConfigureAwait(false);
                            }

                            break;
                        case RowChanged or DecodingMessage or TablesTruncated when streamed.Current is not null:
                            streamed.Add(e, XidOf(e));
                            break;
                        case RowChanged or DecodingMessage or TablesTruncated when current is not null:
                            await DispatchAsync(delivery, e, current, ordinal, stopping).ConfigureAwait(false);
                            ordinal += Width(e);
                            break;
                        case StreamStarted started:
                            streamed.Start(started.Xid);
                            break;
                        case StreamStopped:
                            streamed.Stop();
                            _state.Buffer(budget);
                            break;
                        case StreamCommitted committed:
                        {
                            var transaction = new Transaction(committed.CommitLsn, committed.Xid, committed.CommitTime);
                            _maintenance = false;
                            var at = 0;
                            foreach (var buffered in streamed.Commit(committed.Xid))
                            {
                                await DispatchAsync(delivery, buffered, transaction, at, stopping).ConfigureAwait(false);
                                at += Width(buffered);
                            }

                            _state.Buffer(budget);
                            delivery.TransactionCompleted(committed.EndLsn);
                            if (delivery.FlushDue)
                            {
                                await delivery.FlushAsync(stopping).ConfigureAwait(false);
                            }

                            break;
                        }

                        case StreamAborted aborted:
                            streamed.Abort(aborted.Xid, aborted.SubXid);
                            break;
                    }

                    handlerRunning = false;
                }
            }
            finally
            {
                if (!handlerRunning)
                {
                    await FinalFlushAsync(connection, delivery, producer).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await reading.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException or IOException or InvalidOperationException)
            {
                // Ended with the session; a real fault reached the loop through the channel.
            }
        }
    }

    /// <summary>
    /// Reports the acknowledged LSN now rather than at the next status interval. Only while the stream runs: Npgsql
    /// sends status updates only in replication mode, and the reading stage's end takes the connection out of it.
    /// </summary>
    private static async Task SendStatusAsync(LogicalReplicationConnection connection, Task producer, CancellationToken cancellationToken)
    {
        if (producer.IsCompleted)
        {
            return;
        }

        try
        {
            await connection.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or NpgsqlException or IOException)
        {
            // The stream ended meanwhile (Npgsql clears its feedback timers as it ends, hence the NullReferenceException);
            // the next session reports the position.
        }
    }

    /// <summary>The reading stage: copies each pgoutput message into an event and hands it over, in order.</summary>
    private static async Task ReadIntoAsync(IAsyncEnumerable<Npgsql.Replication.PgOutput.Messages.PgOutputReplicationMessage> messages, ChannelWriter<ReplicationEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in PgOutputReader.ReadAsync(messages, cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
            throw;
        }
    }

    /// <summary>At shutdown, work the handlers finished is committed and acknowledged: dropping it would only make duplicates.</summary>
    private static async Task FinalFlushAsync(LogicalReplicationConnection connection, ReplicationDelivery delivery, Task producer)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await delivery.FlushAsync(timeout.Token).ConfigureAwait(false);
            await SendStatusAsync(connection, producer, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException or IOException)
        {
            // The replay after the restart covers it: these events run again, their effects were not committed.
        }
    }

    private async Task DispatchAsync(ReplicationDelivery delivery, ReplicationEvent e, Transaction transaction, int ordinal, CancellationToken stopping)
    {
        switch (e)
        {
            case RowChanged change when IsOutboxTable(change.Relation):
                await DispatchOutboxRowAsync(delivery, change, new ReplicationPosition(transaction.CommitLsn, ordinal), transaction, stopping).ConfigureAwait(false);
                break;
            case RowChanged change when sink.Handles(change.Relation):
                await DispatchChangeAsync(delivery, change.Relation.DisplayName, transaction.At(ordinal),
                    source => sink.Build(change, source), stopping, () => RowPayload.Of(change)).ConfigureAwait(false);
                break;
            case DecodingMessage message when message.Prefix == names.MessagePrefix:
            {
                var position = new ReplicationPosition(transaction.CommitLsn, ordinal);
                if (delivery.IsProcessed(position))
                {
                    return;
                }

                ReplicatedMessage decoded;
                try
                {
                    decoded = LogicalMessageFraming.Decode(message.Content, transaction.CommitTime);
                }
                catch (FormatException f)
                {
                    var raw = new ReplicatedMessage(0, Guid.Empty, message.Prefix, null, 0, message.Content, "{}", null, transaction.CommitTime);
                    await delivery.RejectAsync(raw, position, transaction.CommitTime, "the table-less message cannot be read: " + f.Message, "logical-message", stopping).ConfigureAwait(false);
                    return;
                }

                await delivery.DeliverAsync(decoded, position, transaction.CommitTime, stopping).ConfigureAwait(false);
                break;
            }

            case TablesTruncated truncate:
                for (var i = 0; i < truncate.Relations.Count; i++)
                {
                    var relation = truncate.Relations[i];
                    if (sink.Handles(relation))
                    {
                        await DispatchChangeAsync(delivery, relation.DisplayName, transaction.At(ordinal + i),
                            source => sink.BuildTruncate(relation, source, truncate.Cascade, truncate.RestartIdentity), stopping).ConfigureAwait(false);
                    }
                }

                break;
        }
    }

    private async Task DispatchOutboxRowAsync(ReplicationDelivery delivery, RowChanged change, ReplicationPosition position, Transaction transaction, CancellationToken stopping)
    {
        if (change.Operation == RowOperation.Delete)
        {
            // The outbox is insert-only; only retention deletes, when it moves rows out of the default partition
            // into a new one. The inserts of that same transaction are those rows again, not new messages.
            _maintenance = true;
            return;
        }

        if (change.Operation != RowOperation.Insert || _maintenance || change.NewRow is not { } row || delivery.IsProcessed(position))
        {
            return;
        }

        ReplicatedMessage message;
        try
        {
            message = _rows.Read(row);
        }
        catch (Exception e) when (e is PgRowException or FormatException)
        {
            var raw = new ReplicatedMessage(0, Guid.Empty, "messages row", null, 0, [], "{}", null, transaction.CommitTime);
            await delivery.RejectAsync(raw, position, transaction.CommitTime, "the outbox row cannot be read: " + e.Message, "outbox", stopping).ConfigureAwait(false);
            return;
        }

        await delivery.DeliverAsync(message, position, transaction.CommitTime, stopping).ConfigureAwait(false);
    }

    private static async Task DispatchChangeAsync(ReplicationDelivery delivery, string table, ChangePosition source, Func<ChangePosition, object?> build, CancellationToken stopping,
        Func<byte[]>? payload = null)
    {
        var position = new ReplicationPosition(source.CommitLsn, source.Ordinal);
        if (delivery.IsProcessed(position))
        {
            return;
        }

        object? notification;
        try
        {
            notification = build(source);
        }
        catch (PgRowException e)
        {
            // The payload is the row as JSON (RowPayload), so the dead letter shows what did not convert.
            var raw = new ReplicatedMessage(0, Guid.Empty, table, null, 0, payload?.Invoke() ?? [], "{}", null, source.CommitTime);
            await delivery.RejectAsync(raw, position, source.CommitTime, e.Message, "change-feed", stopping).ConfigureAwait(false);
            return;
        }

        if (notification is not null)
        {
            await delivery.DeliverNotificationAsync(notification, table, source, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a heartbeat message every HeartbeatInterval, and beats the relay's liveness every PollInterval while the
    /// dispatch loop waits for the stream or runs a handler within its timeout: a quiet stream is not a stalled relay.
    /// </summary>
    private async Task HeartbeatAsync(CancellationTokenSource stream, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var interval = context.Options.Replication.HeartbeatInterval;
        var tick = interval == Timeout.InfiniteTimeSpan || interval > context.Options.PollInterval ? context.Options.PollInterval : interval;
        long? lastEmitted = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (lastEmitted is null || (interval != Timeout.InfiniteTimeSpan && context.Time.GetElapsedTime(lastEmitted.Value) >= interval))
            {
                lastEmitted = context.Time.GetTimestamp();
                try
                {
                    // The first one also tells the consumer it holds the slot: the stream stays silent otherwise.
                    var command = context.DataSource.CreateCommand("SELECT pg_logical_emit_message(false, $1, ''::text)");
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = HeartbeatPrefix });
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow)
                {
                    // 57P03, the server is shutting down: a fast shutdown waits for this session's walsender, which
                    // waits for the slot's confirmation of WAL the relay never acknowledges (the shutdown checkpoint).
                    // Ending the session lets the server stop; the relay reconnects once it is back.
                    ReplicationLog.HeartbeatFailed(_logger, names.Slot, e);
                    await stream.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    ReplicationLog.HeartbeatFailed(_logger, names.Slot, e);
                }
            }

            if (_state.Streaming && (Volatile.Read(ref _waiting) || WithinHandlerTimeout()))
            {
                context.Heartbeat?.Beat();
            }

            try
            {
                await Task.Delay(tick, context.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool WithinHandlerTimeout() =>
        context.Options.Retry.HandlerTimeout == Timeout.InfiniteTimeSpan
        || context.Time.GetElapsedTime(Volatile.Read(ref _eventStarted)) < context.Options.Retry.HandlerTimeout;

    private bool IsOutboxTable(PgRelation relation) => relation.Table == "messages" && relation.Schema == names.Schema;

    private static uint? XidOf(ReplicationEvent e) => e switch
    {
        RowChanged change => change.Xid,
        DecodingMessage message => message.Xid,
        TablesTruncated truncate => truncate.Xid,
        _ => null,
    };

    /// <summary>The ordinals an event takes: a truncate one per table, so each table's event has its own position.</summary>
    private static int Width(ReplicationEvent e) => e is TablesTruncated truncate ? Math.Max(1, truncate.Relations.Count) : 1;

    private sealed record Transaction(ulong CommitLsn, uint Xid, DateTime CommitTime)
    {
        public ChangePosition At(int ordinal) => new(CommitLsn, ordinal, Xid, CommitTime);
    }
}

/// <summary>A change-feed table no longer matches its entity: the relay stops there, acknowledging nothing after it.</summary>
internal sealed class IncompatibleRelationException(string table, string reason)
    : Exception($"the change-feed table {table} no longer matches its entity: {reason}")
{
    public string Table { get; } = table;
}

/// <summary>The server refused new connections while shutting down, so the session ended to let its walsender exit; the relay reconnects.</summary>
internal sealed class ServerShuttingDownException(string slot)
    : Exception($"the server is shutting down: the replication session on slot '{slot}' ended so the server can stop; it reconnects when the server is back");
