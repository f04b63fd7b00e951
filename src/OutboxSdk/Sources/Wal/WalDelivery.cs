using OutboxSdk.ChangeFeed;
using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Runs the handlers of the stream's events in stream order and makes their completion durable. Handlers run in a
/// transaction on a pooled connection (their <see cref="IOutboxContext"/>); the slot's position row is written in
/// that transaction (<see cref="WalLedger"/>), so an effect and "this event is processed" commit together and a
/// replay is skipped. Events whose handlers wrote nothing through the context share one transaction until a
/// thousand events, a quarter second, a pause of the stream, or an event that did write (which commits at once, as
/// the Notify source does), so small transactions do not each pay a commit. A handler that fails is retried with
/// the engine's backoff while the stream waits; after the last attempt the event goes to dead letters, with its
/// content, and the stream goes on.
/// </summary>
internal sealed class WalDelivery : IAsyncDisposable
{
    private static readonly TimeSpan MaxBatchAge = TimeSpan.FromMilliseconds(250);

    // A commit per thousand events at most, a few per second under load: position writes stay off the hot path.
    private const int MaxBatchEvents = 1000;

    private readonly WalDeliveryContext _context;
    private readonly WalLedger _ledger;
    private readonly bool _canStepDown;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private int _backend;
    private int _uncommitted;
    private long _openedAt;

    /// <param name="context">The engine's parts and the stream's state.</param>
    /// <param name="acknowledge">Acknowledges the slot up to an LSN.</param>
    /// <param name="canStepDown">
    /// False while delivering at host start (a snapshot, a lost slot's gap): there is no session to leave, so a message
    /// only another version can read is waited on without stepping down.
    /// </param>
    public WalDelivery(WalDeliveryContext context, Action<ulong> acknowledge, bool canStepDown = true)
    {
        _context = context;
        _canStepDown = canStepDown;
        _ledger = new WalLedger(context.DataSource, context.Sql, context.State, context.Logger, acknowledge);
    }

    /// <summary>The stream's ledger: positions processed, committed and acknowledged.</summary>
    public WalLedger Ledger => _ledger;

    /// <summary>Whether a batch waits to be committed (<see cref="FlushAsync"/>).</summary>
    public bool HasUnflushed => _transaction is not null || _ledger.Pending is not null || _ledger.Unacknowledged;

    /// <summary>Whether the batch is big or old enough to commit now.</summary>
    public bool FlushDue => _uncommitted >= MaxBatchEvents
        || (_transaction is not null && _context.Time.GetElapsedTime(_openedAt) > MaxBatchAge);

    /// <summary>Acknowledges a position outside any transaction (a heartbeat) when nothing is in flight.</summary>
    public void AcknowledgeIdle(ulong lsn)
    {
        if (_transaction is null)
        {
            _ledger.AcknowledgeIdle(lsn);
        }
    }

    /// <summary>
    /// Runs the handlers of a message or change at <paramref name="position"/>, with the engine's retries and dead
    /// letters; <paramref name="processed"/> lists handlers that already ran (a lost slot's gap), by default none.
    /// </summary>
    public async Task DeliverAsync(Envelope envelope, ReplicationPosition position, DateTime commitTime, CancellationToken stopping, IEnumerable<string>? processed = null)
    {
        var where = position.ToString();
        for (var attempt = 1; ; attempt++)
        {
            await BeginAsync(stopping).ConfigureAwait(false);
            HandlerResult result;
            try
            {
                result = await _context.Handlers.RunAsync(envelope, attempt, processed ?? [], _connection!, _transaction!, stopping).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await RollbackAsync(e).ConfigureAwait(false);
                throw;
            }

            if (result.DeadLetterReason is { } reason)
            {
                await RejectAsync(envelope, position, commitTime, reason, stopping).ConfigureAwait(false);
                return;
            }

            if (result.Failure is not { } failure)
            {
                await CompletedAsync(position, commitTime, envelope.MessageId, result.Inbox, stopping).ConfigureAwait(false);
                return;
            }

            await RollbackAsync(failure).ConfigureAwait(false);
            var decision = _context.Policy.AfterFailure(envelope, where, attempt, failure);
            if (decision.Waiting)
            {
                attempt--; // waiting for a relay that can read it (a rolling deploy) is not an attempt
            }

            if (decision.DeadLetter)
            {
                await DeadLetterAsync(envelope, position, commitTime, result.FailedHandler, Math.Max(1, attempt), decision.Error ?? failure.ToString(), stopping).ConfigureAwait(false);
                return;
            }

            if (decision.StepDown && _canStepDown)
            {
                // The stream waits at this event: what was delivered before it is made durable, nothing past it is
                // acknowledged, and the session ends so that the slot is free for a relay that can read it.
                await FlushAsync(stopping).ConfigureAwait(false);
                throw new RelayStepDownException(decision.Error ?? failure.Message);
            }

            _context.Heartbeat?.Beat(); // waiting on a retry is not a stall
            await Task.Delay(decision.Delay, _context.Time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers a change-feed notification built by the sink, with the same retries and dead letters.</summary>
    public Task DeliverChangeAsync(object notification, string table, ChangePosition source, CancellationToken stopping) =>
        DeliverAsync(Envelope.Change(ChangeId(source), table, notification, source.CommitTime), new ReplicationPosition(source.CommitLsn, source.Ordinal), source.CommitTime, stopping);

    /// <summary>An event that can never be handled (undecodable content, a row that does not convert): straight to dead letters.</summary>
    public async Task RejectAsync(Envelope envelope, ReplicationPosition position, DateTime commitTime, string reason, CancellationToken stopping)
    {
        _context.Policy.Rejected(envelope, position.ToString(), reason);
        await DeadLetterAsync(envelope, position, commitTime, null, 1, reason, stopping).ConfigureAwait(false);
    }

    /// <summary>Commits the batch's position and acknowledges the transactions it completed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_ledger.Pending is not null && _transaction is null)
        {
            await BeginAsync(cancellationToken).ConfigureAwait(false); // the batch was rolled back; its done events remain
        }

        if (_transaction is not null)
        {
            if (_ledger.Advance() is { } advance)
            {
                var batch = new NpgsqlBatch(_connection, _transaction) { BatchCommands = { advance } };
                await using (batch.ConfigureAwait(false))
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    if (advance.RecordsAffected == 0)
                    {
                        await RollbackAsync(null).ConfigureAwait(false); // undo ours; the other consumer's stands
                        await _ledger.PositionTakenAsync(cancellationToken).ConfigureAwait(false);
                        return;
                    }
                }
            }

            await DeliveryTransaction.CommitAsync(_transaction).ConfigureAwait(false);
            await CloseAsync().ConfigureAwait(false);
            _ledger.Committed();
        }

        _ledger.Acknowledge();
    }

    public async ValueTask DisposeAsync() => await RollbackAsync(null).ConfigureAwait(false);

    private async Task CompletedAsync(ReplicationPosition position, DateTime commitTime, Guid messageId, IReadOnlyList<string> inbox, CancellationToken stopping)
    {
        _ledger.Done(position, commitTime);
        _uncommitted++;
        if (inbox.Count == 0)
        {
            return; // nothing written through the context: the batch commits later
        }

        // The handlers wrote through the context: their effects, inbox rows and the position commit now, together.
        var batch = new NpgsqlBatch(_connection, _transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var handler in inbox)
            {
                batch.BatchCommands.Add(_context.Writer.Inbox(handler, messageId));
            }

            await batch.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
        }

        await FlushAsync(stopping).ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(Envelope envelope, ReplicationPosition position, DateTime commitTime, string? handler, int attempts, string error, CancellationToken stopping)
    {
        await BeginAsync(stopping).ConfigureAwait(false);
        var batch = new NpgsqlBatch(_connection, _transaction) { BatchCommands = { _context.Writer.DeadLetter(envelope, handler, attempts, error) } };
        await using (batch.ConfigureAwait(false))
        {
            await batch.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
        }

        _ledger.Done(position, commitTime);
        _uncommitted++;
        await FlushAsync(stopping).ConfigureAwait(false);
    }

    private async Task BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return;
        }

        _connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _backend = _connection.ProcessID;
        _transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        _openedAt = _context.Time.GetTimestamp();
        _uncommitted = 0;
    }

    /// <summary>
    /// Rolls the batch back after <paramref name="failure"/> (null: no handler failed). Events before the failed one
    /// that wrote nothing through the context stay done: their position is still pending and commits with the next
    /// batch. A connection that cannot roll back (an abandoned handler, a broken connection) is given up.
    /// </summary>
    private async Task RollbackAsync(Exception? failure)
    {
        if (_transaction is null)
        {
            return;
        }

        if (await _context.Transactions.RollbackAsync(_transaction, _backend, failure).ConfigureAwait(false))
        {
            await CloseAsync().ConfigureAwait(false);
            return;
        }

        DeliveryLog.ConnectionAbandoned(_context.Logger, failure ?? new InvalidOperationException("the rollback failed"));
        _ = DeliveryTransaction.DisposeWhenDoneAsync(_connection!, DeliveryTransaction.RunningOf(failure));
        _transaction = null;
        _connection = null;
        _uncommitted = 0;
    }

    private async Task CloseAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }

        _uncommitted = 0;
    }

    /// <summary>
    /// A stable id for a change (slot, commit LSN, ordinal), so handlers of changes have an inbox key too: the same
    /// change has the same id in every process (the slot's part is a fingerprint, not .NET's per-process string hash).
    /// </summary>
    private Guid ChangeId(ChangePosition source)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, source.CommitLsn);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[8..], source.Ordinal);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[12..], (int)OutboxSdk.Avro.Schema.SchemaFingerprint.Rabin(_context.State.Slot));
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>The services a <see cref="WalDelivery"/> works with: the engine's parts and the stream's state.</summary>
internal sealed record WalDeliveryContext(
    NpgsqlDataSource DataSource,
    ReplicationSql Sql,
    HandlerRunner Handlers,
    FailurePolicy Policy,
    DeliveryWriter Writer,
    DeliveryTransaction Transactions,
    OutboxOptions Options,
    ReplicationState State,
    IRelayHeartbeat? Heartbeat,
    TimeProvider Time,
    ILogger Logger);
