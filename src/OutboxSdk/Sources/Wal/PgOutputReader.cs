using System.Runtime.CompilerServices;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using OutboxSdk.ChangeFeed;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// Turns Npgsql's pgoutput stream into <see cref="ReplicationEvent"/>s. Npgsql hands out one cached object per
/// message kind and reads tuples straight from its connection buffer, both overwritten by the next read, so every
/// tuple, prefix and payload is copied here before the event is yielded (see PgRow). Relations are kept per id, as
/// pgoutput sends a Relation message once per relation and session (and again after it changed).
/// </summary>
internal static class PgOutputReader
{
    public static async IAsyncEnumerable<ReplicationEvent> ReadAsync(
        IAsyncEnumerable<PgOutputReplicationMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var relations = new Dictionary<uint, PgRelation>();
        await foreach (var message in messages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var walEnd = (ulong)message.WalEnd;
            switch (message)
            {
                case BeginMessage begin:
                    yield return new TransactionBegun(walEnd, begin.TransactionXid, (ulong)begin.TransactionFinalLsn, begin.TransactionCommitTimestamp);
                    break;
                case CommitMessage commit:
                    yield return new TransactionCommitted(walEnd, (ulong)commit.CommitLsn, (ulong)commit.TransactionEndLsn, commit.TransactionCommitTimestamp);
                    break;
                case RelationMessage relation:
                {
                    // With types, key flags and replica identity, so the change feed can tell a retyped column.
                    var columns = new PgRelationColumn[relation.Columns.Count];
                    for (var i = 0; i < columns.Length; i++)
                    {
                        var column = relation.Columns[i];
                        columns[i] = new PgRelationColumn(column.ColumnName, column.DataTypeId, column.TypeModifier,
                            (column.Flags & RelationMessage.Column.ColumnFlags.PartOfKey) != 0);
                    }

                    var copy = new PgRelation(relation.RelationId, relation.Namespace, relation.RelationName, columns, PgReplicaIdentityCode.Parse((char)(byte)relation.ReplicaIdentity));
                    relations[relation.RelationId] = copy;
                    yield return new RelationSeen(walEnd, relation.TransactionXid, copy, (char)(byte)relation.ReplicaIdentity);
                    break;
                }

                case InsertMessage insert:
                    yield return new RowChanged(walEnd, insert.TransactionXid, RowOperation.Insert, Relation(relations, insert.Relation.RelationId), null, false,
                        await CopyAsync(relations, insert.Relation.RelationId, insert.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case FullUpdateMessage update:
                {
                    var id = update.Relation.RelationId;
                    var old = await CopyAsync(relations, id, update.OldRow, cancellationToken).ConfigureAwait(false);
                    yield return new RowChanged(walEnd, update.TransactionXid, RowOperation.Update, Relation(relations, id), old, false,
                        await CopyAsync(relations, id, update.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                }

                case IndexUpdateMessage update:
                {
                    var id = update.Relation.RelationId;
                    var key = await CopyAsync(relations, id, update.Key, cancellationToken).ConfigureAwait(false);
                    yield return new RowChanged(walEnd, update.TransactionXid, RowOperation.Update, Relation(relations, id), key, true,
                        await CopyAsync(relations, id, update.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                }

                case UpdateMessage update:
                    yield return new RowChanged(walEnd, update.TransactionXid, RowOperation.Update, Relation(relations, update.Relation.RelationId), null, false,
                        await CopyAsync(relations, update.Relation.RelationId, update.NewRow, cancellationToken).ConfigureAwait(false));
                    break;
                case FullDeleteMessage delete:
                    yield return new RowChanged(walEnd, delete.TransactionXid, RowOperation.Delete, Relation(relations, delete.Relation.RelationId),
                        await CopyAsync(relations, delete.Relation.RelationId, delete.OldRow, cancellationToken).ConfigureAwait(false), false, null);
                    break;
                case KeyDeleteMessage delete:
                    yield return new RowChanged(walEnd, delete.TransactionXid, RowOperation.Delete, Relation(relations, delete.Relation.RelationId),
                        await CopyAsync(relations, delete.Relation.RelationId, delete.Key, cancellationToken).ConfigureAwait(false), true, null);
                    break;
                case TruncateMessage truncate:
                {
                    var truncated = new PgRelation[truncate.Relations.Count];
                    for (var i = 0; i < truncated.Length; i++)
                    {
                        truncated[i] = Relation(relations, truncate.Relations[i].RelationId);
                    }

                    yield return new TablesTruncated(walEnd, truncate.TransactionXid, truncated,
                        (truncate.Options & TruncateMessage.TruncateOptions.Cascade) != 0,
                        (truncate.Options & TruncateMessage.TruncateOptions.RestartIdentity) != 0);
                    break;
                }

                case LogicalDecodingMessage decoding:
                {
                    var content = new byte[checked((int)decoding.Data.Length)];
                    await decoding.Data.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
                    yield return new DecodingMessage(walEnd, decoding.TransactionXid, (decoding.Flags & 1) != 0, (ulong)decoding.MessageLsn, decoding.Prefix, content);
                    break;
                }

                case StreamStartMessage start:
                    yield return new StreamStarted(walEnd, start.TransactionXid, start.StreamSegmentIndicator == 1);
                    break;
                case StreamStopMessage:
                    yield return new StreamStopped(walEnd);
                    break;
                case StreamCommitMessage commit:
                    yield return new StreamCommitted(walEnd, commit.TransactionXid, (ulong)commit.CommitLsn, (ulong)commit.TransactionEndLsn, commit.TransactionCommitTimestamp);
                    break;
                case StreamAbortMessage abort:
                    yield return new StreamAborted(walEnd, abort.TransactionXid, abort.SubtransactionXid);
                    break;
                default:
                    break; // Origin, Type and the two-phase messages (not requested) carry nothing the relay needs
            }
        }
    }

    private static PgRelation Relation(Dictionary<uint, PgRelation> relations, uint id) =>
        relations.TryGetValue(id, out var relation)
            ? relation
            : throw new InvalidOperationException($"pgoutput sent a change of relation {id} before its Relation message");

    /// <summary>Copies a tuple into one array (values are slices of it), reading each value exactly once.</summary>
    private static async ValueTask<PgRow> CopyAsync(Dictionary<uint, PgRelation> relations, uint relationId, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var relation = Relation(relations, relationId);
        var count = tuple.NumColumns;
        var kinds = new PgColumnKind[count];
        var offsets = new (int Start, int Length)[count];
        var buffer = new byte[128];
        var used = 0;
        var i = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (value.Kind)
            {
                case TupleDataKind.Null:
                    kinds[i] = PgColumnKind.Null;
                    break;
                case TupleDataKind.UnchangedToastedValue:
                    kinds[i] = PgColumnKind.UnchangedToast;
                    break;
                default:
                {
                    kinds[i] = value.Kind == TupleDataKind.BinaryValue ? PgColumnKind.Binary : PgColumnKind.Text;
                    var length = value.Length;
                    if (used + length > buffer.Length)
                    {
                        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + length));
                    }

                    if (length > 0)
                    {
                        // Not disposed here: the tuple enumerator consumes (and so finishes) the value on its next step.
                        await value.GetStream().ReadExactlyAsync(buffer.AsMemory(used, length), cancellationToken).ConfigureAwait(false);
                    }

                    offsets[i] = (used, length);
                    used += length;
                    break;
                }
            }

            i++;
        }

        var values = new ReadOnlyMemory<byte>[count];
        for (var c = 0; c < count; c++)
        {
            values[c] = buffer.AsMemory(offsets[c].Start, offsets[c].Length);
        }

        return new PgRow(relation, kinds, values);
    }
}
