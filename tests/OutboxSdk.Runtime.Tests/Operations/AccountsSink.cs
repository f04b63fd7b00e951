using System.Runtime.CompilerServices;
using MediatR;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Operations.Tests;

/// <summary>A row change of the test table, as the stand-in sink builds it.</summary>
public sealed record AccountChanged(string Operation, int Id) : INotification;

public sealed class AccountChangedHandler(Recorder recorder) : INotificationHandler<AccountChanged>
{
    public Task Handle(AccountChanged notification, CancellationToken cancellationToken)
    {
        recorder.Seen.Enqueue(notification.Operation + ":" + notification.Id);
        return Task.CompletedTask;
    }
}

/// <summary>A stand-in for the change feed behind the engine's seam: one table, "accounts", whose rows become <see cref="AccountChanged"/>.</summary>
internal sealed class AccountsSink(string schema) : IChangeSink
{
    public IReadOnlyList<(string Schema, string Table)> Tables => [(schema, "accounts")];

    public string? CheckRelation(PgRelation relation, char replicaIdentity) => null;

    public bool Handles(PgRelation relation) => relation.Schema == schema && relation.Table == "accounts";

    public object? Build(RowChanged change, ChangePosition source)
    {
        var row = change.NewRow ?? change.OldRow!;
        return new AccountChanged(change.Operation.ToString().ToLowerInvariant(), row.Parse(row.RequireColumn("id"), PgValue.ReadInt32));
    }

    public object? BuildTruncate(PgRelation relation, ChangePosition source, bool cascade, bool restartIdentity) => new AccountChanged("truncate", 0);

    public async IAsyncEnumerable<object> ReadSnapshotAsync(NpgsqlConnection connection, ChangePosition template, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT id FROM \"{schema}\".accounts ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new AccountChanged("read", reader.GetInt32(0));
        }
    }
}
