using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Cli;
using OutboxSdk.DeadLetters;
using OutboxSdk.Generated;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>
/// The roles of docs/security.md against a real server: the publisher publishes and can do nothing else, the
/// relay delivers and dead-letters, and both start with migrations disabled.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class RoleTests(SecuredPostgresFixture fixture)
{
    [Fact]
    public async Task The_publisher_role_publishes_and_cannot_read_change_or_delete_messages()
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        var logs = new LogSink();
        var publisher = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.ConnectionString = roles.ConnectionString(roles.Publisher);
            o.ApplyMigrations = false;
            o.RunRelay = false;
        }, logs);
        await using var app = NpgsqlDataSource.Create(roles.ConnectionString(roles.Publisher));
        await Publisher.PublishAsync(publisher, app, new Ping("p", 0), new Ping("p", 1));
        await HardeningHost.StopAsync(publisher);
        Assert.Equal(2L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM \"{roles.Schema}\".messages"));

        string s = $"\"{roles.Schema}\"";
        foreach (var sql in new[]
        {
            $"SELECT * FROM {s}.messages",
            $"SELECT count(*) FROM {s}.messages",
            $"UPDATE {s}.messages SET subject = 'x'",
            $"DELETE FROM {s}.messages",
            $"TRUNCATE {s}.messages",
            $"SELECT * FROM {s}.pending",
            $"DELETE FROM {s}.pending",
            $"SELECT * FROM {s}.dead_letters",
            $"SELECT * FROM {s}.inbox",
            $"INSERT INTO {s}.inbox (handler, message_id) VALUES ('h', gen_random_uuid())",
            $"DELETE FROM {s}.schemas",
            $"DROP TABLE {s}.messages",
            $"CREATE TABLE {s}.mine (id int)",
        })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var command = app.CreateCommand(sql);
                await command.ExecuteNonQueryAsync();
            });
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
        }

        Assert.Equal(2L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM \"{roles.Schema}\".messages"));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_relay_role_delivers_dead_letters_and_replays_with_migrations_disabled()
    {
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        await using var app = NpgsqlDataSource.Create(roles.ConnectionString(roles.Publisher));
        var logs = new LogSink();
        var relay = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.ConnectionString = roles.ConnectionString(roles.Relay);
            o.ApplyMigrations = false;
        }, logs);
        try
        {
            var publisher = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
            {
                o.ConnectionString = roles.ConnectionString(roles.Publisher);
                o.ApplyMigrations = false;
                o.RunRelay = false;
            });
            await Publisher.PublishAsync(publisher, app, new Ping("r", 0));
            await HardeningHost.StopAsync(publisher);

            // A payload that is not Avro, written by the publisher role as a buggy writer would.
            await using (var command = app.CreateCommand(
                $"INSERT INTO \"{roles.Schema}\".messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), 'hardening.ping', 'r', 1, '\\x00'::bytea)"))
            {
                await command.ExecuteNonQueryAsync();
            }

            await using (var notify = app.CreateCommand($"SELECT pg_notify('outbox_{roles.Schema}', '')"))
            {
                await notify.ExecuteNonQueryAsync();
            }

            var deadLetters = relay.Services.GetRequiredService<IDeadLetters>();
            await relay.Services.GetRequiredService<Recorder>().WaitForAsync(r => r.Seen.Count == 1, "the relay role delivering");
            await Recorder.WaitUntilAsync(async () => (await deadLetters.ListAsync()).Count == 1, "the relay role dead-lettering");
            var letter = Assert.Single(await deadLetters.ListAsync());
            Assert.True(await deadLetters.ReplayAsync(letter.Id));
            await Recorder.WaitUntilAsync(async () => (await deadLetters.ListAsync()) is [{ } again] && again.Id != letter.Id, "the replayed letter dead-lettered again");
            Assert.Equal(new Ping("r", 0), Assert.Single(relay.Services.GetRequiredService<Recorder>().Seen));
            Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && !l.Contains("moved to dead letters", StringComparison.Ordinal));

            // The tool's read and repair verbs work with the relay role too.
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var connection = roles.ConnectionString(roles.Relay);
            Assert.True(OutboxCli.Run(["status", "--connection", connection, "--schema", roles.Schema], stdout, stderr) == 0, stderr.ToString());
            Assert.True(OutboxCli.Run(["dead-letters", "list", "--connection", connection, "--schema", roles.Schema], stdout, stderr) == 0, stderr.ToString());
            var id = (await deadLetters.ListAsync())[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(OutboxCli.Run(["dead-letters", "discard", id, "--connection", connection, "--schema", roles.Schema], stdout, stderr) == 0, stderr.ToString());
        }
        finally
        {
            await HardeningHost.StopAsync(relay);
        }
    }

    [Fact]
    public async Task A_relay_role_on_a_channel_its_trigger_does_not_notify_says_how_to_set_it_up()
    {
        // The queue and its trigger are migration 2 and notify the default channel; a relay configured for another
        // channel installs the trigger's function for it at startup, which only the tables' owner may do.
        await using var roles = await Roles.CreateAsync(fixture, PostgresFixture.NewName());
        var logs = new LogSink();
        var relay = await HardeningHost.StartAsync(roles.Schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
        {
            o.ConnectionString = roles.ConnectionString(roles.Relay);
            o.ApplyMigrations = false;
            o.NotifyChannel = "elsewhere";
        }, logs);
        try
        {
            await Recorder.WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains($"outbox script --roles --schema {roles.Schema} --channel elsewhere", StringComparison.Ordinal))),
                "the relay's explanation");
            Assert.Contains(logs.Lines, l => l.Contains("this role cannot change it (permission denied", StringComparison.Ordinal));
        }
        finally
        {
            await HardeningHost.StopAsync(relay);
        }
    }
}
