using System.Text.RegularExpressions;
using Hardening.Tests.Infrastructure;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>
/// No password and no connection string in the logs or exceptions of a Replication-mode run whose connections
/// fail: a wrong password and an unreachable host, on the data source and on the replication connection alone
/// (at startup, where the snapshot opens it, and in the relay's reconnect loop).
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class ReplicationSecretTests(SecuredPostgresFixture fixture)
{
    private const string Password = "Wr0ng-Repl1cation-Pa55-Qv4";

    public static TheoryData<string, bool> Failures() => new()
    {
        // which connection string is wrong, and whether the initial snapshot is due (it opens the replication connection during startup)
        { "wrong password, data source", true },
        { "wrong password, replication", true },
        { "wrong password, replication", false },
        { "wrong host, data source", true },
        { "wrong host, replication", true },
        { "wrong host, replication", false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_replication_run_that_cannot_connect_keeps_the_password_out_of_its_logs_and_exceptions(string failure, bool snapshot)
    {
        var schema = PostgresFixture.NewName();
        await using var roles = await Roles.CreateAsync(fixture, schema, asOwner: owner => ReplicationScenario.CreateAccountsAsync(owner, schema));
        await fixture.ExecuteAsync($"ALTER ROLE \"{roles.Owner}\" REPLICATION");
        var right = ReplicationScenario.WithSearchPath(roles.ConnectionString(roles.Owner), schema);
        var wrong = new NpgsqlConnectionStringBuilder(right) { Password = Password, Timeout = 5 };
        if (failure.StartsWith("wrong host", StringComparison.Ordinal))
        {
            wrong.Host = "127.0.0.1";
            wrong.Port = 1; // nothing listens: connection refused
        }

        var dataSourceFails = failure.EndsWith("data source", StringComparison.Ordinal);
        var logs = new LogSink();
        Exception? startup = null;
        try
        {
            var host = await HardeningHost.StartAsync(schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o =>
            {
                ReplicationScenario.Replication(o);
                o.ConnectionString = dataSourceFails ? wrong.ConnectionString : right;
                o.Replication.ConnectionString = dataSourceFails ? null : wrong.ConnectionString;
                o.Replication.SnapshotMode = snapshot ? SnapshotMode.Initial : SnapshotMode.Never;
                o.ApplyMigrations = false;
            }, logs);
            try
            {
                // Started (no snapshot to take): the relay's loop opens the replication connection, fails and logs it.
                await Recorder.WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains(failure.StartsWith("wrong host", StringComparison.Ordinal) ? "refused" : "password authentication failed", StringComparison.OrdinalIgnoreCase))),
                    "the relay's logged failure", timeoutSeconds: 120);
            }
            finally
            {
                await HardeningHost.StopAsync(host);
            }
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            startup = e;
        }

        Assert.True(startup is not null || !snapshot && !dataSourceFails, $"the start should have failed: {failure}, snapshot {snapshot}");
        var everything = startup + "\n" + logs.All;
        Assert.Contains(failure.StartsWith("wrong host", StringComparison.Ordinal) ? "refused" : "password authentication failed", everything, StringComparison.OrdinalIgnoreCase); // it failed for that reason
        Assert.DoesNotContain(Password, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(roles.Password(roles.Owner), everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong.ConnectionString, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("Password=(?!\\.\\.\\.)", RegexOptions.IgnoreCase), everything);
    }
}
