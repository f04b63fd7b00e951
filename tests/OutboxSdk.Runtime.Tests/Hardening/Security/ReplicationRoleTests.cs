using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Generated;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>
/// The roles of docs/security.md in Replication mode: the owner runs <c>outbox script --roles --replication</c>, a
/// superuser gives the relay role REPLICATION, and then a non-superuser relay streams, snapshots and delivers while the
/// application publishes as the publisher role, which can neither read the outbox nor touch replication.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class ReplicationRoleTests(SecuredPostgresFixture fixture)
{
    [Fact]
    public async Task A_non_superuser_replication_relay_delivers_messages_and_changes_published_by_the_publisher_role()
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema,
            asOwner: async owner =>
            {
                // The application's table, owned (as its migrations would have it) by the owner, with a row from before the relay.
                await ReplicationScenario.CreateAccountsAsync(owner, schema);
                await ReplicationScenario.InsertAccountAsync(owner, schema, 1, "before");
            },
            scriptArgs: ["--replication", "--change-table", schema + ".accounts"]);
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Relay}\" REPLICATION"); // the superuser's part
        await using (var owner = NpgsqlDataSource.Create(roles.ConnectionString(roles.Owner)))
        await using (var grant = owner.CreateCommand($"GRANT INSERT ON \"{schema}\".accounts TO \"{roles.Publisher}\"")) // the application writes its table
        {
            await grant.ExecuteNonQueryAsync();
        }

        Assert.False(await fixture.ScalarAsync<bool>($"SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = '{roles.Relay}'"));
        var relayLogs = new LogSink();
        var relay = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            ReplicationScenario.Replication(o);
            o.ConnectionString = ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Relay), schema);
            o.ApplyMigrations = false;
        }, relayLogs);
        try
        {
            var publisherLogs = new LogSink();
            var publisher = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
            {
                ReplicationScenario.Replication(o);
                o.ConnectionString = ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Publisher), schema);
                o.ApplyMigrations = false;
                o.RunRelay = false;
            }, publisherLogs);
            await using var app = NpgsqlDataSource.Create(ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Publisher), schema));
            try
            {
                await ReplicationScenario.InsertAccountAsync(app, schema, 2, "after");
                await Publisher.PublishAsync(publisher, app, new Ping("rep", 0), new Ping("rep", 1));
                var recorder = relay.Services.GetRequiredService<Recorder>();
                await ReplicationScenario.WaitForDeliveryAsync(recorder, new Ping("rep", 1), new Account(2, "after"), "the relay role's delivery");
                Assert.Equal([new Ping("rep", 0), new Ping("rep", 1)], recorder.Seen.OfType<Ping>());
                Assert.Equal([(ChangeOperation.Read, 1), (ChangeOperation.Insert, 2)], recorder.Seen.OfType<Change<Account>>().Select(c => (c.Operation, c.After!.Id)));
                Assert.True(await fixture.ScalarAsync<bool>($"SELECT count(*) > 0 FROM pg_stat_replication WHERE usename = '{roles.Relay}'"), "the relay role streams");
                Assert.Equal(0L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".pending")); // the queue trigger is off

                // The publisher role can neither read the outbox nor create, use or drop a slot or a publication.
                foreach (var sql in new[]
                {
                    $"SELECT * FROM \"{schema}\".messages",
                    $"SELECT * FROM \"{schema}\".replication_positions",
                    $"SELECT * FROM \"{schema}\".accounts",
                    "SELECT pg_create_logical_replication_slot('stolen', 'pgoutput')",
                    $"SELECT * FROM pg_logical_slot_peek_binary_changes('{ReplicationNames.DefaultSlot(schema, "postgres")}', NULL, NULL, 'proto_version', '1', 'publication_names', 'outbox_{schema}')",
                    $"SELECT pg_drop_replication_slot('{ReplicationNames.DefaultSlot(schema, "postgres")}')",
                    $"CREATE PUBLICATION stolen FOR TABLE \"{schema}\".messages",
                    $"ALTER PUBLICATION \"outbox_{schema}\" DROP TABLE \"{schema}\".messages",
                })
                {
                    var e = await Assert.ThrowsAsync<PostgresException>(async () =>
                    {
                        await using var command = app.CreateCommand(sql);
                        await command.ExecuteNonQueryAsync();
                    });
                    Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
                }

                // Nor can it open a replication connection.
                await using var replication = new Npgsql.Replication.LogicalReplicationConnection(roles.ConnectionString(roles.Publisher));
                var refused = await Assert.ThrowsAsync<PostgresException>(() => replication.Open());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
            finally
            {
                await HardeningHost.StopAsync(publisher);
            }

            Assert.DoesNotContain(relayLogs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal));
            Assert.DoesNotContain(publisherLogs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        }
        finally
        {
            await HardeningHost.StopAsync(relay);
        }
    }

    [Fact]
    public async Task A_relay_role_without_the_replication_script_is_told_which_script_to_run()
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema, asOwner: owner => ReplicationScenario.CreateAccountsAsync(owner, schema));
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Relay}\" REPLICATION");

        // Only the owner may create the publication over its tables; the relay role's startup cannot, and says what to do.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            ReplicationScenario.Replication(o);
            o.ConnectionString = ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Relay), schema);
            o.ApplyMigrations = false;
        }));

        Assert.Contains($"outbox script --roles --replication --schema {schema} --relay <this role> --change-table {schema}.accounts'", e.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", e.Message, StringComparison.Ordinal);
    }
}
