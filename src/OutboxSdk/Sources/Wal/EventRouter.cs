using OutboxSdk.ChangeFeed;
using OutboxSdk.Delivery;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Routes the events of a committed transaction to the delivery, in order: inserted outbox rows and table-less
/// messages as messages, rows of [ChangeFeed] tables (and truncates) as changes; an event that cannot be read is
/// rejected to dead letters with what is known of it. Events at or below the processed position are replays and skipped.
/// </summary>
internal sealed class EventRouter(ReplicationNames names, IChangeSink sink)
{
    private readonly OutboxRowReader _rows = new();
    private bool _maintenance;

    /// <summary>A new transaction starts: what the last one's deletes said about it no longer holds.</summary>
    public void BeginTransaction() => _maintenance = false;

    public async Task DispatchAsync(WalDelivery delivery, ReplicationEvent e, Transaction transaction, int ordinal, CancellationToken stopping)
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
                if (delivery.Ledger.IsProcessed(position))
                {
                    return;
                }

                Envelope decoded;
                try
                {
                    decoded = LogicalMessageFraming.Decode(message.Content, transaction.CommitTime);
                }
                catch (FormatException f)
                {
                    var raw = Envelope.Unreadable(EnvelopeSource.LogicalMessage, message.Prefix, message.Content, transaction.CommitTime);
                    await delivery.RejectAsync(raw, position, transaction.CommitTime, "the table-less message cannot be read: " + f.Message, stopping).ConfigureAwait(false);
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

    private async Task DispatchOutboxRowAsync(WalDelivery delivery, RowChanged change, ReplicationPosition position, Transaction transaction, CancellationToken stopping)
    {
        if (change.Operation == RowOperation.Delete)
        {
            // The outbox is insert-only; only retention deletes, when it moves rows out of the default partition
            // into a new one. The inserts of that same transaction are those rows again, not new messages.
            _maintenance = true;
            return;
        }

        if (change.Operation != RowOperation.Insert || _maintenance || change.NewRow is not { } row || delivery.Ledger.IsProcessed(position))
        {
            return;
        }

        Envelope message;
        try
        {
            message = _rows.Read(row);
        }
        catch (Exception e) when (e is PgRowException or FormatException)
        {
            var raw = Envelope.Unreadable(EnvelopeSource.Outbox, "messages row", [], transaction.CommitTime);
            await delivery.RejectAsync(raw, position, transaction.CommitTime, "the outbox row cannot be read: " + e.Message, stopping).ConfigureAwait(false);
            return;
        }

        await delivery.DeliverAsync(message, position, transaction.CommitTime, stopping).ConfigureAwait(false);
    }

    private static async Task DispatchChangeAsync(WalDelivery delivery, string table, ChangePosition source, Func<ChangePosition, object?> build, CancellationToken stopping,
        Func<byte[]>? payload = null)
    {
        var position = new ReplicationPosition(source.CommitLsn, source.Ordinal);
        if (delivery.Ledger.IsProcessed(position))
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
            var raw = Envelope.Unreadable(EnvelopeSource.ChangeFeed, table, payload?.Invoke() ?? [], source.CommitTime);
            await delivery.RejectAsync(raw, position, source.CommitTime, e.Message, stopping).ConfigureAwait(false);
            return;
        }

        if (notification is not null)
        {
            await delivery.DeliverChangeAsync(notification, table, source, stopping).ConfigureAwait(false);
        }
    }

    private bool IsOutboxTable(PgRelation relation) => relation.Table == "messages" && relation.Schema == names.Schema;
}

/// <summary>A transaction of the stream: its commit LSN, id and commit time.</summary>
internal sealed record Transaction(ulong CommitLsn, uint Xid, DateTime CommitTime)
{
    public ChangePosition At(int ordinal) => new(CommitLsn, ordinal, Xid, CommitTime);
}
