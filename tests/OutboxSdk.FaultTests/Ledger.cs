using System.Globalization;
using Npgsql;

namespace OutboxSdk.FaultTests;

/// <summary>A message the publisher wrote: its ledger row (committed) or its rolled_back row.</summary>
internal readonly record struct LedgerEntry(Guid Id, string Key, long Seq, int Behaviour, bool Effect);

/// <summary>A successful handler call, from a relay's delivery file; <see cref="Ticks"/> is its UTC time.</summary>
internal readonly record struct Delivery(Guid Id, string Key, long Seq, int Attempt, string Instance, long Ticks);

/// <summary>An effect committed through IOutboxContext; <see cref="N"/> orders them.</summary>
internal readonly record struct Effect(long N, Guid Id, string Key, long Seq);

/// <summary>
/// The suite's independent record of a scenario, read back after it: what the publisher committed (<c>fault_ledger</c>,
/// written in the publishing transaction) and rolled back (<c>fault_rolled_back</c>), what the handlers did (delivery
/// files, at least once; <c>fault_effects</c>, exactly once) and what went to the outbox's dead letters.
/// </summary>
internal sealed record Ledger(
    IReadOnlyList<LedgerEntry> Committed,
    IReadOnlyList<Guid> RolledBack,
    IReadOnlyList<Delivery> Deliveries,
    IReadOnlyList<Effect> Effects,
    IReadOnlyList<string> DeadLetterErrors,
    long Backlog)
{
    /// <summary>The ledger tables, created in the scenario's schema before any process starts.</summary>
    public static string CreateSql(string s) => $"""
        CREATE SCHEMA IF NOT EXISTS {s};
        CREATE TABLE {s}."fault_ledger" (id uuid PRIMARY KEY, key text NOT NULL, seq bigint NOT NULL, behaviour int NOT NULL, effect bool NOT NULL,
                                         committed_at timestamptz NOT NULL DEFAULT clock_timestamp());
        CREATE TABLE {s}."fault_rolled_back" (id uuid PRIMARY KEY, key text NOT NULL, seq bigint NOT NULL);
        CREATE TABLE {s}."fault_effects" (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL, key text NOT NULL, seq bigint NOT NULL,
                                          message_id uuid NOT NULL, relay text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
        """;

    public static async Task<Ledger> ReadAsync(NpgsqlDataSource dataSource, string s, string deliveriesFolder, string? backlogSql)
    {
        var committed = await QueryAsync(dataSource, $"SELECT id, key, seq, behaviour, effect FROM {s}.\"fault_ledger\"",
            r => new LedgerEntry(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.GetInt32(3), r.GetBoolean(4)));
        var rolledBack = await QueryAsync(dataSource, $"SELECT id FROM {s}.\"fault_rolled_back\"", r => r.GetGuid(0));
        var effects = await QueryAsync(dataSource, $"SELECT n, id, key, seq FROM {s}.\"fault_effects\" ORDER BY n",
            r => new Effect(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3)));
        var deadLetters = await QueryAsync(dataSource, $"SELECT coalesce(error, '') FROM {s}.\"dead_letters\"", r => r.GetString(0));
        var backlog = 0L;
        if (backlogSql is not null)
        {
            try
            {
                backlog = (await QueryAsync(dataSource, backlogSql, r => r.GetInt64(0)))[0];
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                backlog = -1; // the relay has not set up yet
            }
        }

        return new Ledger(committed, rolledBack, ReadDeliveries(deliveriesFolder), effects, deadLetters, backlog);
    }

    private static List<Delivery> ReadDeliveries(string folder)
    {
        var deliveries = new List<Delivery>();
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "deliveries-*.tsv") : [])
        {
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split('\t');
                if (f.Length == 7 && Guid.TryParse(f[0], out var id) && long.TryParse(f[6], CultureInfo.InvariantCulture, out var ticks))
                {
                    // A line cut short by a SIGKILL in mid-write would fail these checks and not count.
                    deliveries.Add(new Delivery(id, f[1], long.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[4], ticks));
                }
            }
        }

        return deliveries;
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
