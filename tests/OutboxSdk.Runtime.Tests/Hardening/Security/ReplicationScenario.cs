using Hardening.Tests.BadInput;
using Hardening.Tests.Infrastructure;
using Npgsql;
using OutboxSdk.ChangeFeed;
using OutboxSdk.Hosting;
using OutboxSdk.Schema;
using OutboxSdk;

namespace Hardening.Tests.Security;

/// <summary>What the Replication-mode security tests share: the change-feed table, the options, the wait for delivery.</summary>
internal static class ReplicationScenario
{
    /// <summary>Creates <paramref name="schema"/> (when missing) and its <c>accounts</c> table, through <paramref name="dataSource"/>.</summary>
    public static async Task CreateAccountsAsync(NpgsqlDataSource dataSource, string schema)
    {
        var s = OutboxSchema.QuoteIdentifier(schema);
        await using var command = dataSource.CreateCommand($"CREATE SCHEMA IF NOT EXISTS {s}; CREATE TABLE {s}.accounts (id int PRIMARY KEY, holder text NOT NULL); ALTER TABLE {s}.accounts REPLICA IDENTITY FULL");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary><paramref name="connectionString"/> with <paramref name="schema"/> first on the search path (where the unqualified [ChangeFeed] table is).</summary>
    public static string WithSearchPath(string connectionString, string schema) =>
        new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" }.ConnectionString;

    public static void Replication(OutboxOptions o)
    {
        o.RelayMode = RelayMode.Replication;
        o.Replication.StandbyRetryInterval = TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Inserts account <paramref name="id"/> through <paramref name="dataSource"/>.</summary>
    public static async Task InsertAccountAsync(NpgsqlDataSource dataSource, string schema, int id, string holder)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO {OutboxSchema.QuoteIdentifier(schema)}.accounts VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = holder });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until <paramref name="recorder"/> saw <paramref name="ping"/> and the insert of account <paramref name="account"/>.</summary>
    public static Task WaitForDeliveryAsync(Recorder recorder, Ping ping, Account account, string what) =>
        recorder.WaitForAsync(r => r.Seen.Contains(ping) && r.Seen.OfType<Change<Account>>().Any(c => c.After == account), what, timeoutSeconds: 120);
}
