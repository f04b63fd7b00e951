using MediatR;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>What a real pgoutput stream delivered to the router.</summary>
internal sealed class Captured
{
    public List<RelationCheck> Checks { get; } = [];

    public List<INotification> Events { get; } = [];

    public List<Exception> Failures { get; } = [];

    public T Single<T>() => Assert.Single(Events.OfType<T>());
}

/// <summary>
/// Drives the router with real pgoutput messages, as the replication engine will: a temporary slot and a
/// publication of the test's own names, the changes made after the slot exists, then the stream read until the
/// expected number of commits, each tuple copied into a <see cref="PgRow"/> before the next read.
/// </summary>
internal static class PgOutputCapture
{
    public static async Task<Captured> RunAsync(SchemaScope scope, ChangeFeedRouter router, int commits, Func<Task> changes, bool binary = false)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var publication = "pub_" + suffix;
        var tables = string.Join(", ", router.Tables.Select(t => $"\"{t.Schema}\".\"{t.Table}\""));
        await scope.ExecuteAsync($"CREATE PUBLICATION {publication} FOR TABLE {tables}");
        try
        {
            await using var replication = new LogicalReplicationConnection(scope.ConnectionString);
            await replication.Open();
            var slot = await replication.CreatePgOutputReplicationSlot("slot_" + suffix, temporarySlot: true);
            await changes();

            // A guard against a hang, not a timed assertion: the test fails only if nothing arrives for minutes.
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var captured = new Captured();
            var relations = new Dictionary<uint, PgRelation>();
            var seen = 0;
            BeginMessage? begin = null;
            var ordinal = 0L;
            var options = new PgOutputReplicationOptions(publication, binary ? PgOutputProtocolVersion.V2 : PgOutputProtocolVersion.V1, binary: binary);
            await foreach (var message in replication.StartReplication(slot, options, guard.Token))
            {
                ChangeSource Source() => new()
                {
                    Schema = "",
                    Table = "",
                    CommitLsn = begin!.TransactionFinalLsn,
                    Lsn = message.WalStart,
                    Ordinal = ordinal++,
                    TransactionId = begin.TransactionXid,
                    CommitTime = begin.TransactionCommitTimestamp,
                    SlotName = slot.Name,
                    Database = "postgres",
                };

                switch (message)
                {
                    case BeginMessage b:
                        begin = b;
                        ordinal = 0;
                        break;
                    case RelationMessage r:
                        var relation = new PgRelation(r.RelationId, r.Namespace, r.RelationName,
                            [.. r.Columns.Select(c => new PgRelationColumn(c.ColumnName, c.DataTypeId, c.TypeModifier, c.Flags.HasFlag(RelationMessage.Column.ColumnFlags.PartOfKey)))],
                            PgReplicaIdentityCode.Parse((char)(byte)r.ReplicaIdentity));
                        relations[r.RelationId] = relation;
                        captured.Checks.Add(router.OnRelation(relation));
                        break;
                    case InsertMessage i:
                        var inserted = await CopyAsync(i.NewRow, relations[i.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Insert, i.Relation.RelationId, null, false, inserted, Source()));
                        break;
                    case FullUpdateMessage u:
                        var oldFull = await CopyAsync(u.OldRow, relations[u.Relation.RelationId]);
                        var newFull = await CopyAsync(u.NewRow, relations[u.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Update, u.Relation.RelationId, oldFull, false, newFull, Source()));
                        break;
                    case IndexUpdateMessage u:
                        var oldKey = await CopyAsync(u.Key, relations[u.Relation.RelationId]);
                        var newKeyed = await CopyAsync(u.NewRow, relations[u.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Update, u.Relation.RelationId, oldKey, true, newKeyed, Source()));
                        break;
                    case UpdateMessage u:
                        var updated = await CopyAsync(u.NewRow, relations[u.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Update, u.Relation.RelationId, null, false, updated, Source()));
                        break;
                    case KeyDeleteMessage d:
                        var deletedKey = await CopyAsync(d.Key, relations[d.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Delete, d.Relation.RelationId, deletedKey, true, null, Source()));
                        break;
                    case FullDeleteMessage d:
                        var deletedRow = await CopyAsync(d.OldRow, relations[d.Relation.RelationId]);
                        Route(captured, () => router.Build(ChangeOperation.Delete, d.Relation.RelationId, deletedRow, false, null, Source()));
                        break;
                    case TruncateMessage t:
                        foreach (var truncated in t.Relations)
                        {
                            Route(captured, () => router.BuildTruncate(truncated.RelationId, Source(),
                                t.Options.HasFlag(TruncateMessage.TruncateOptions.Cascade), t.Options.HasFlag(TruncateMessage.TruncateOptions.RestartIdentity)));
                        }

                        break;
                    case CommitMessage c:
                        replication.SetReplicationStatus(c.TransactionEndLsn);
                        seen++;
                        break;
                }

                if (seen == commits)
                {
                    break;
                }
            }

            return captured;
        }
        finally
        {
            await scope.ExecuteAsync($"DROP PUBLICATION IF EXISTS {publication}");
        }
    }

    private static void Route(Captured captured, Func<INotification?> build)
    {
        try
        {
            if (build() is { } notification)
            {
                captured.Events.Add(notification);
            }
        }
        catch (Exception e) when (e is PgRowException or InvalidOperationException)
        {
            captured.Failures.Add(e);
        }
    }

    /// <summary>Copies a tuple out of Npgsql's buffer, which the next read reuses.</summary>
    private static async Task<PgRow> CopyAsync(ReplicationTuple tuple, PgRelation relation)
    {
        var kinds = new PgColumnKind[relation.Columns.Count];
        var values = new ReadOnlyMemory<byte>[relation.Columns.Count];
        var i = 0;
        await foreach (var value in tuple)
        {
            kinds[i] = value.Kind switch
            {
                TupleDataKind.Null => PgColumnKind.Null,
                TupleDataKind.UnchangedToastedValue => PgColumnKind.UnchangedToast,
                TupleDataKind.TextValue => PgColumnKind.Text,
                _ => PgColumnKind.Binary,
            };
            if (kinds[i] is PgColumnKind.Text or PgColumnKind.Binary)
            {
                var bytes = new byte[value.Length];
                await using var stream = value.GetStream();
                await stream.ReadExactlyAsync(bytes);
                values[i] = bytes;
            }

            i++;
        }

        return new PgRow(relation, kinds, values);
    }
}
