using System.Threading.Channels;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// One streaming session on the slot: START_REPLICATION (pgoutput, protocol v2 with streaming, logical messages on),
/// then, in stream order, transactions are assembled and their events dispatched through
/// <see cref="WalDelivery"/>. A non-streamed transaction arrives whole at its commit (pgoutput sends only
/// committed ones), so its events are dispatched as they arrive; a streamed one is kept in
/// <see cref="StreamedTransactions"/> until StreamCommit. Commits are dispatched in commit order. The batch is
/// committed, and the slot acknowledged, whenever the stream pauses. Ends by cancellation or by throwing (a lost
/// connection, a slot another process streams from: SQLSTATE 55006).
/// </summary>
internal sealed class ReplicationConsumer(
    WalDeliveryContext context,
    ReplicationNames names,
    IChangeSink sink,
    ReplicationConnectionFactory connections,
    StreamBufferBudget budget)
{
    private static readonly TimeSpan IdleFlushDelay = TimeSpan.FromMilliseconds(100);
    private const int ReadAhead = 256;

    private readonly ReplicationState _state = context.State;
    private readonly ILogger _logger = context.Logger;
    private readonly EventRouter _router = new(names, sink);
    private readonly SlotHeartbeat _heartbeat = new(context, names);

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
            var delivery = new WalDelivery(context, lsn => connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn)));
            await using (delivery.ConfigureAwait(false))
            {
                await delivery.Ledger.LoadAsync(stopping).ConfigureAwait(false);
                if (!delivery.Ledger.SnapshotDone)
                {
                    throw new SnapshotPendingException(names.Slot); // streaming first would put changes before the rows they change
                }

                using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                using var stream = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var heartbeat = _heartbeat.RunAsync(stream, session.Token);
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

    private async Task StreamAsync(LogicalReplicationConnection connection, WalDelivery delivery, StreamedTransactions streamed, CancellationToken stopping)
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
                        _heartbeat.Waiting = true;
                        var ready = channel.Reader.WaitToReadAsync(stopping).AsTask();
                        if (delivery.HasUnflushed && await Task.WhenAny(ready, Task.Delay(IdleFlushDelay, context.Time, stopping)).ConfigureAwait(false) != ready)
                        {
                            // Quiet for IdleFlushDelay: the stream paused; the batch is made durable and the slot acknowledged.
                            await delivery.FlushAsync(stopping).ConfigureAwait(false);
                        }

                        var more = await ready.ConfigureAwait(false);
                        _heartbeat.Waiting = false;
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
                        WalLog.Streaming(_logger, names.Slot, names.Publication, delivery.Ledger.Durable.ToString());
                    }

                    context.Heartbeat?.Beat();
                    _heartbeat.EventStarted();
                    handlerRunning = true;
                    switch (e)
                    {
                        case TransactionBegun begun:
                            current = new Transaction(begun.CommitLsn, begun.Xid, begun.CommitTime);
                            ordinal = 0;
                            _router.BeginTransaction();
                            break;
                        case TransactionCommitted committed:
                            current = null;
                            delivery.Ledger.TransactionCompleted(committed.EndLsn);
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
                            if (message.Prefix == SlotHeartbeat.HeartbeatPrefix && current is null && streamed.Count == 0)
                            {
                                delivery.AcknowledgeIdle(Math.Max(message.MessageLsn, message.WalEnd));
                                await SendStatusAsync(connection, producer, stopping).ConfigureAwait(false);
                            }

                            break;
                        case RowChanged or DecodingMessage or TablesTruncated when streamed.Current is not null:
                            streamed.Add(e, XidOf(e));
                            break;
                        case RowChanged or DecodingMessage or TablesTruncated when current is not null:
                            await _router.DispatchAsync(delivery, e, current, ordinal, stopping).ConfigureAwait(false);
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
                            _router.BeginTransaction();
                            var at = 0;
                            foreach (var buffered in streamed.Commit(committed.Xid))
                            {
                                await _router.DispatchAsync(delivery, buffered, transaction, at, stopping).ConfigureAwait(false);
                                at += Width(buffered);
                            }

                            _state.Buffer(budget);
                            delivery.Ledger.TransactionCompleted(committed.EndLsn);
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
    private static async Task FinalFlushAsync(LogicalReplicationConnection connection, WalDelivery delivery, Task producer)
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

    private static uint? XidOf(ReplicationEvent e) => e switch
    {
        RowChanged change => change.Xid,
        DecodingMessage message => message.Xid,
        TablesTruncated truncate => truncate.Xid,
        _ => null,
    };

    /// <summary>The ordinals an event takes: a truncate one per table, so each table's event has its own position.</summary>
    private static int Width(ReplicationEvent e) => e is TablesTruncated truncate ? Math.Max(1, truncate.Relations.Count) : 1;
}
