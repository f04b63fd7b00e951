using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Relay;

namespace OutboxSdk.Replication;

/// <summary>
/// Runs the handlers of the stream's events in stream order and makes their completion durable. Handlers run in a
/// transaction on a pooled connection (their <see cref="IOutboxContext"/>); the slot's position row is written in
/// that transaction, so an effect and "this event is processed" commit together and a replay is skipped. Events
/// whose handlers wrote nothing through the context share one transaction until a thousand events, a quarter
/// second, a pause of the stream, or an event that did write (which commits at once, as the Notify relay does), so
/// small transactions do not each pay a commit. The slot is acknowledged only up to transactions whose events are
/// all committed here. A handler that fails is retried with the configured backoff while the stream waits; after
/// the last attempt the event goes to dead letters, with its content, and the stream goes on.
/// </summary>
internal sealed class ReplicationDelivery : IAsyncDisposable
{
    private static readonly ILookup<Guid, string> NoInbox = Array.Empty<(Guid, string)>().ToLookup(static e => e.Item1, static e => e.Item2);
    private static readonly TimeSpan MaxBatchAge = TimeSpan.FromMilliseconds(250);

    // A commit per thousand events at most, a few per second under load: position writes stay off the hot path.
    private const int MaxBatchEvents = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ReplicationSql _sql;
    private readonly MessageHandlers _messages;
    private readonly MessageHandlers _changes;
    private readonly PrebuiltDecoder _prebuilt;
    private readonly OutboxOptions _options;
    private readonly ReplicationState _state;
    private readonly IRelayHeartbeat? _heartbeat;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<ulong> _acknowledge;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private ReplicationPosition? _pending;
    private DateTime _pendingCommitTime;
    private int _uncommitted;
    private long _openedAt;
    private ulong _completedEnd;
    private ulong _acked;

    public ReplicationDelivery(ReplicationDeliveryContext context, Action<ulong> acknowledge)
    {
        _dataSource = context.DataSource;
        _sql = context.Sql;
        _options = context.Options;
        _state = context.State;
        _heartbeat = context.Heartbeat;
        _time = context.Time;
        _logger = context.Logger;
        _acknowledge = acknowledge;
        _messages = new MessageHandlers(context.Scopes, context.Decoder, context.Invoker, _options, _time, _logger);
        _prebuilt = new PrebuiltDecoder();
        _changes = new MessageHandlers(context.Scopes, _prebuilt, context.Invoker, _options, _time, _logger);
    }

    /// <summary>The last position committed with its effects.</summary>
    public ReplicationPosition Durable { get; private set; } = ReplicationPosition.Start;

    /// <summary>Whether the slot's initial snapshot is complete (or none was due), as <see cref="LoadAsync"/> read it.</summary>
    public bool SnapshotDone { get; private set; } = true;

    /// <summary>Whether a batch waits to be committed (<see cref="FlushAsync"/>).</summary>
    public bool HasUnflushed => _transaction is not null || _pending is not null || _completedEnd > _acked;

    /// <summary>Whether the batch is big or old enough to commit now.</summary>
    public bool FlushDue => _uncommitted >= MaxBatchEvents
        || (_transaction is not null && _time.GetElapsedTime(_openedAt) > MaxBatchAge);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(_sql.ReadPosition);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _state.Slot });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var found = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                Durable = found
                    ? new ReplicationPosition((ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(0), reader.GetInt32(1))
                    : ReplicationPosition.Start;
                SnapshotDone = !found || reader.GetBoolean(2);
            }
        }

        _state.LastProcessed = Durable;
    }

    /// <summary>Whether <paramref name="position"/> was processed already (a replay).</summary>
    public bool IsProcessed(ReplicationPosition position)
    {
        if (position > Durable && (_pending is not { } pending || position > pending))
        {
            return false;
        }

        ReplicationLog.Replayed(_logger, position.ToString(), Durable.ToString());
        return true;
    }

    /// <summary>A transaction's events are all processed: its end may be acknowledged once they are committed.</summary>
    public void TransactionCompleted(ulong endLsn)
    {
        if (endLsn > _completedEnd)
        {
            _completedEnd = endLsn;
        }
    }

    /// <summary>Acknowledges a position outside any transaction (a heartbeat) when nothing is in flight.</summary>
    public void AcknowledgeIdle(ulong lsn)
    {
        if (_transaction is null && _pending is null && _completedEnd <= _acked && lsn > _acked)
        {
            _completedEnd = lsn;
            Acknowledge();
        }
    }

    /// <summary>Runs a message's handlers; <paramref name="inbox"/> lists those that already ran (a lost slot's gap), by default none.</summary>
    public async Task DeliverAsync(ReplicatedMessage message, ReplicationPosition position, DateTime commitTime, CancellationToken stopping, ILookup<Guid, string>? inbox = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            await BeginAsync(stopping).ConfigureAwait(false);
            var claimed = new ClaimedMessage(message.RowId, message.CreatedAt, attempt - 1, true, message.MessageId, message.Subject, message.PartitionKey,
                message.Fingerprint, message.Payload, message.TraceParent);
            HandlerResult result;
            try
            {
                result = await _messages.RunAsync(claimed, inbox ?? NoInbox, _connection!, _transaction!, stopping).ConfigureAwait(false);
            }
            catch
            {
                await RollbackAsync().ConfigureAwait(false);
                throw;
            }

            if (result.DeadLetterReason is { } reason)
            {
                await DeadLetterAsync(message, position, commitTime, null, 1, reason, stopping).ConfigureAwait(false);
                return;
            }

            if (result.Failure is not { } failure)
            {
                await CompletedAsync(position, commitTime, message.MessageId, result.Inbox, stopping).ConfigureAwait(false);
                return;
            }

            await RollbackAsync().ConfigureAwait(false);
            if (attempt >= _options.Retry.MaxAttempts)
            {
                await DeadLetterAsync(message, position, commitTime, result.FailedHandler, attempt, failure.ToString(), stopping).ConfigureAwait(false);
                return;
            }

            var delay = RetryPolicy.DelayAfter(attempt, _options.Retry);
            ReplicationLog.HandlerFailed(_logger, message.MessageId, message.Subject, attempt, _options.Retry.MaxAttempts, delay, failure);
            _heartbeat?.Beat(); // waiting on a retry is not a stall
            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers a change-feed notification built by the sink, with the same retries and dead letters.</summary>
    public async Task DeliverNotificationAsync(object notification, string subject, ChangePosition source, CancellationToken stopping)
    {
        var position = new ReplicationPosition(source.CommitLsn, source.Ordinal);
        var id = ChangeId(source);
        var message = new ReplicatedMessage(0, id, subject, null, 0, [], "{}", null, source.CommitTime);
        for (var attempt = 1; ; attempt++)
        {
            await BeginAsync(stopping).ConfigureAwait(false);
            _prebuilt.Next = notification;
            var claimed = new ClaimedMessage(0, source.CommitTime, attempt - 1, true, id, subject, null, 0, [], null);
            HandlerResult result;
            try
            {
                result = await _changes.RunAsync(claimed, NoInbox, _connection!, _transaction!, stopping).ConfigureAwait(false);
            }
            catch
            {
                await RollbackAsync().ConfigureAwait(false);
                throw;
            }

            if (result.Failure is not { } failure)
            {
                await CompletedAsync(position, source.CommitTime, id, result.Inbox, stopping).ConfigureAwait(false);
                return;
            }

            await RollbackAsync().ConfigureAwait(false);
            if (attempt >= _options.Retry.MaxAttempts)
            {
                await DeadLetterAsync(message, position, source.CommitTime, result.FailedHandler, attempt, failure.ToString(), stopping, "change-feed").ConfigureAwait(false);
                return;
            }

            var delay = RetryPolicy.DelayAfter(attempt, _options.Retry);
            ReplicationLog.HandlerFailed(_logger, id, subject, attempt, _options.Retry.MaxAttempts, delay, failure);
            _heartbeat?.Beat();
            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>An event that can never be handled (undecodable content, a row that does not convert): straight to dead letters.</summary>
    public async Task RejectAsync(ReplicatedMessage message, ReplicationPosition position, DateTime commitTime, string reason, string source, CancellationToken stopping)
    {
        await BeginAsync(stopping).ConfigureAwait(false);
        await DeadLetterAsync(message, position, commitTime, null, 1, reason, stopping, source).ConfigureAwait(false);
    }

    /// <summary>Commits the batch's position and acknowledges the transactions it completed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending is not null && _transaction is null)
        {
            await BeginAsync(cancellationToken).ConfigureAwait(false); // the batch was rolled back; its done events remain
        }

        if (_transaction is not null)
        {
            if (_pending is { } pending && pending > Durable)
            {
                var batch = new NpgsqlBatch(_connection, _transaction);
                await using (batch.ConfigureAwait(false))
                {
                    var advance = AdvanceCommand(pending);
                    batch.BatchCommands.Add(advance);
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    if (advance.RecordsAffected == 0)
                    {
                        await PositionTakenAsync(pending, cancellationToken).ConfigureAwait(false);
                        return;
                    }
                }
            }

            // Not cancellable: a commit interrupted on the client may still have happened on the server.
            await _transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            await CloseAsync().ConfigureAwait(false);
            if (_pending is { } committed)
            {
                Durable = committed;
                _state.LastProcessed = committed;
                _pending = null;
            }
        }

        Acknowledge();
    }

    public async ValueTask DisposeAsync() => await RollbackAsync().ConfigureAwait(false);

    private async Task CompletedAsync(ReplicationPosition position, DateTime commitTime, Guid messageId, IReadOnlyList<string> inbox, CancellationToken stopping)
    {
        _pending = position;
        _pendingCommitTime = commitTime;
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
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.InsertInbox)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = handler }, new NpgsqlParameter<Guid> { TypedValue = messageId } },
                });
            }

            await batch.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
        }

        await FlushAsync(stopping).ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(ReplicatedMessage message, ReplicationPosition position, DateTime commitTime, string? handler, int attempts, string error, CancellationToken stopping, string? source = null)
    {
        ReplicationLog.DeadLettered(_logger, message.MessageId, message.Subject, position.ToString(), attempts, FirstLine(error));
        OutboxTelemetry.Instrumentation.DeadLettered(message.Subject);
        await BeginAsync(stopping).ConfigureAwait(false);
        var command = new NpgsqlCommand(_sql.DeadLetter, _connection, _transaction)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = message.MessageId == Guid.Empty ? DBNull.Value : message.MessageId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<string> { TypedValue = source ?? message.Source },
                new NpgsqlParameter<string> { TypedValue = message.Subject },
                new NpgsqlParameter { Value = (object?)message.PartitionKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = message.Payload.Length == 0 && message.Fingerprint == 0 ? DBNull.Value : message.Fingerprint, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter { Value = message.Payload.Length == 0 && message.Fingerprint == 0 ? DBNull.Value : message.Payload, NpgsqlDbType = NpgsqlDbType.Bytea },
                new NpgsqlParameter<string> { TypedValue = message.Headers },
                new NpgsqlParameter { Value = (object?)handler ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<int> { TypedValue = attempts },
                new NpgsqlParameter<string> { TypedValue = error.Length <= 8000 ? error : error[..8000] },
                new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(message.CreatedAt, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
        }

        _pending = position;
        _pendingCommitTime = commitTime;
        _uncommitted++;
        await FlushAsync(stopping).ConfigureAwait(false);
    }

    private async Task BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return;
        }

        _connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        _openedAt = _time.GetTimestamp();
        _uncommitted = 0;
    }

    /// <summary>
    /// Rolls the batch back. Events before the failed one that wrote nothing through the context stay done: their
    /// position is still pending and commits with the next batch.
    /// </summary>
    private async Task RollbackAsync()
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            await _transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // A broken connection rolled back on the server already.
        }

        await CloseAsync().ConfigureAwait(false);
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

    /// <summary>Another consumer committed this position first: undo ours and continue from where it got.</summary>
    private async Task PositionTakenAsync(ReplicationPosition position, CancellationToken cancellationToken)
    {
        ReplicationLog.PositionTaken(_logger, _state.Slot, position.ToString());
        await RollbackAsync().ConfigureAwait(false);
        _pending = null;
        await LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Acknowledge()
    {
        if (_completedEnd > _acked)
        {
            _acked = _completedEnd;
            _state.Acked(_acked);
            _acknowledge(_acked);
        }
    }

    private NpgsqlBatchCommand AdvanceCommand(ReplicationPosition position) => new(_sql.AdvancePosition)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = _state.Slot },
            new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = new NpgsqlLogSequenceNumber(position.CommitLsn), NpgsqlDbType = NpgsqlDbType.PgLsn },
            new NpgsqlParameter<int> { TypedValue = position.Ordinal },
            new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(_pendingCommitTime, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
        },
    };

    /// <summary>A stable id for a change (slot, commit LSN, ordinal), so handlers of changes have an inbox key too.</summary>
    private Guid ChangeId(ChangePosition source)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, source.CommitLsn);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[8..], source.Ordinal);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[12..], _state.Slot.GetHashCode(StringComparison.Ordinal));
        return new Guid(bytes, bigEndian: true);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd('\r');
    }

    /// <summary>Hands the notification the sink built to <see cref="MessageHandlers"/>, which decodes nothing for changes.</summary>
    private sealed class PrebuiltDecoder : IMessageDecoder
    {
        public object? Next { get; set; }

        public ValueTask<object> DecodeAsync(string subject, long fingerprint, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Next ?? throw new MessageDecodeException("no change notification was prepared"));
    }
}

/// <summary>The services a <see cref="ReplicationDelivery"/> works with.</summary>
internal sealed record ReplicationDeliveryContext(
    NpgsqlDataSource DataSource,
    ReplicationSql Sql,
    Microsoft.Extensions.DependencyInjection.IServiceScopeFactory Scopes,
    IMessageDecoder Decoder,
    HandlerInvoker Invoker,
    OutboxOptions Options,
    ReplicationState State,
    IRelayHeartbeat? Heartbeat,
    TimeProvider Time,
    ILogger Logger);
