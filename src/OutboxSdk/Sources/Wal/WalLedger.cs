namespace OutboxSdk.Sources.Wal;

/// <summary>
/// What "processed" means in Replication mode: an event is processed when the slot's position row has passed it.
/// The position commits with the handlers' effects (in the delivery's transaction); the slot is acknowledged only up
/// to transactions whose events are all committed here, so a replay after a restart is recognised and skipped.
/// </summary>
internal sealed class WalLedger(NpgsqlDataSource dataSource, ReplicationSql sql, ReplicationState state, ILogger logger, Action<ulong> acknowledge)
{
    private ulong _completedEnd;
    private ulong _acked;

    /// <summary>The last position committed with its effects.</summary>
    public ReplicationPosition Durable { get; private set; } = ReplicationPosition.Start;

    /// <summary>The position of the last event done but not committed yet, if any.</summary>
    public ReplicationPosition? Pending { get; private set; }

    /// <summary>Whether the slot's initial snapshot is complete (or none was due), as <see cref="LoadAsync"/> read it.</summary>
    public bool SnapshotDone { get; private set; } = true;

    /// <summary>Whether completed transactions wait to be acknowledged.</summary>
    public bool Unacknowledged => _completedEnd > _acked;

    private DateTime _pendingCommitTime;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand(sql.ReadPosition);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state.Slot });
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

        Pending = null;
        state.LastProcessed = Durable;
    }

    /// <summary>Whether <paramref name="position"/> was processed already (a replay).</summary>
    public bool IsProcessed(ReplicationPosition position)
    {
        if (position > Durable && (Pending is not { } pending || position > pending))
        {
            return false;
        }

        WalLog.Replayed(logger, position.ToString(), Durable.ToString());
        return true;
    }

    /// <summary>An event at <paramref name="position"/> is done; it becomes durable with the next commit.</summary>
    public void Done(ReplicationPosition position, DateTime commitTime)
    {
        Pending = position;
        _pendingCommitTime = commitTime;
    }

    /// <summary>The command that moves the position row to <see cref="Pending"/> in the delivery's transaction, or null when there is nothing to move.</summary>
    public NpgsqlBatchCommand? Advance() => Pending is { } pending && pending > Durable
        ? new NpgsqlBatchCommand(sql.AdvancePosition)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = state.Slot },
                new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = new NpgsqlLogSequenceNumber(pending.CommitLsn), NpgsqlDbType = NpgsqlDbType.PgLsn },
                new NpgsqlParameter<int> { TypedValue = pending.Ordinal },
                new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(_pendingCommitTime, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        }
        : null;

    /// <summary>The transaction with the position committed: the pending position is durable.</summary>
    public void Committed()
    {
        if (Pending is { } committed)
        {
            Durable = committed;
            state.LastProcessed = committed;
            Pending = null;
        }
    }

    /// <summary>Another consumer committed the pending position first: continue from where it got.</summary>
    public async Task PositionTakenAsync(CancellationToken cancellationToken)
    {
        WalLog.PositionTaken(logger, state.Slot, (Pending ?? Durable).ToString());
        await LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A transaction's events are all processed: its end may be acknowledged once they are committed.</summary>
    public void TransactionCompleted(ulong endLsn)
    {
        if (endLsn > _completedEnd)
        {
            _completedEnd = endLsn;
        }
    }

    /// <summary>Acknowledges a position outside any transaction (a heartbeat); the caller knows nothing is in flight.</summary>
    public void AcknowledgeIdle(ulong lsn)
    {
        if (Pending is null && _completedEnd <= _acked && lsn > _acked)
        {
            _completedEnd = lsn;
            Acknowledge();
        }
    }

    /// <summary>Acknowledges to the slot the end of every completed transaction.</summary>
    public void Acknowledge()
    {
        if (_completedEnd > _acked)
        {
            _acked = _completedEnd;
            state.Acked(_acked);
            acknowledge(_acked);
        }
    }
}
