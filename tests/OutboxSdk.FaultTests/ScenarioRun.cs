using System.Globalization;
using Npgsql;
using Xunit.Abstractions;

namespace OutboxSdk.FaultTests;

/// <summary>
/// Runs one scenario in one relay mode: creates its schema and ledger, starts the relay instances and the publisher
/// as processes, injects the scenario's fault at random gaps while the publisher streams, lets the relays drain,
/// stops them, reads the ledger back and returns the verdict's table row. Logs and delivery files of a run are kept
/// under <c>fault-runs/&lt;schema&gt;</c> in the output folder (the delivery files only when it fails).
/// </summary>
internal static class ScenarioRun
{
    public static async Task<(ScenarioRow Row, string Folder)> RunAsync(FaultCluster cluster, FaultScenario scenario, string mode, ITestOutputHelper output)
    {
        var budget = FaultBudget.Current;
        var seed = (budget.BaseSeed * 100) + FaultScenarios.All.ToList().IndexOf(scenario);
        var random = new Random(seed);
        // At most 55 bytes: the schema also names a replication mode's slot and publication, and the default notify
        // channel 'outbox_<schema>' (all Postgres identifiers, 63 bytes at most).
        var schema = $"f_{scenario.Name.Replace('-', '_')}_{mode.ToLowerInvariant()}";
        schema = schema[..Math.Min(schema.Length, 48)] + "_" + Guid.NewGuid().ToString("N")[..6];
        var quoted = "\"" + schema + "\"";
        var folder = Path.Combine(AppContext.BaseDirectory, "fault-runs", schema);
        var deliveries = Path.Combine(folder, "deliveries");
        Directory.CreateDirectory(deliveries);
        var postgres = cluster.Postgres;

        await using var admin = postgres.CreateDataSource();
        await using (var create = admin.CreateCommand(Ledger.CreateSql(quoted)))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var proxy = scenario.ThroughProxy ? new TcpProxy(postgres.Port) : null;
        var relayProxies = scenario.ProxyPerRelay ? Enumerable.Range(0, scenario.Relays).Select(_ => new TcpProxy(postgres.Port)).ToList() : [];
        string RelayConnection(int slot) => new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
        {
            Port = scenario.ProxyPerRelay ? relayProxies[slot].Port : proxy?.Port ?? postgres.Port,
        }.ConnectionString;
        var faults = new List<InjectedFault>();
        var fleet = new RelayFleet(scenario.Relays, slot => NodeProcess.Start("relay",
            ["--connection", RelayConnection(slot), "--schema", schema, "--mode", mode, "--instance", (slot + 1).ToString(CultureInfo.InvariantCulture), "--deliveries", deliveries,
             "--handler-timeout-ms", ((int)scenario.HandlerTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)],
            Path.Combine(folder, $"relay-{slot + 1}.log")));
        Verdict verdict;
        int kills;
        try
        {
            await fleet.WaitReadyAsync(TimeSpan.FromMinutes(1));
            using var publisher = NodeProcess.Start("publisher",
                ["--connection", postgres.ConnectionString, "--schema", schema, "--mode", mode, "--seed", seed.ToString(CultureInfo.InvariantCulture),
                 "--rate", budget.Rate.ToString(CultureInfo.InvariantCulture), "--seconds", budget.Stream.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                 "--poison", Number(scenario.Mix.Poison), "--flaky", Number(scenario.Mix.Flaky), "--hang", Number(scenario.Mix.Hang), "--slow-write", Number(scenario.Mix.SlowContextWrite)],
                Path.Combine(folder, "publisher.log"));
            var targets = new FaultTargets(postgres, fleet, proxy, admin, schema, relayProxies);
            while (scenario.Inject is { } inject)
            {
                var gap = budget.Gap(random, scenario.MinGapSeconds, scenario.MaxGapSeconds);
                if (await Task.WhenAny(publisher.Exited, Task.Delay(gap)) == publisher.Exited)
                {
                    break;
                }

                faults.Add(await inject(targets, random));
            }

            var exit = await publisher.Exited;
            Assert.True(exit == 0, $"the publisher exited with {exit}; see {publisher.LogPath}");

            // Settle: the relays run on, fault-free, until the ledger is complete and the backlog empty, or time runs out.
            var deadline = DateTime.UtcNow + budget.SettleTimeout;
            do
            {
                verdict = Verdict.Of(await Ledger.ReadAsync(admin, quoted, deliveries, RelayModes.BacklogSql(mode, quoted)), faults);
            }
            while (!verdict.Settled && DateTime.UtcNow < deadline && await Pause());
            if (!verdict.Settled)
            {
                // A stuck relay: what its connections are doing and what is still queued, while it still runs.
                await File.WriteAllTextAsync(Path.Combine(folder, "stuck.txt"), await Diagnostics.DescribeAsync(admin, quoted));
            }
        }
        finally
        {
            kills = fleet.Kills;
            await fleet.DisposeAsync();
            foreach (var relayProxy in relayProxies)
            {
                await relayProxy.DisposeAsync();
            }
        }

        // Read once more with every relay gone, so nothing moves under the count.
        verdict = Verdict.Of(await Ledger.ReadAsync(admin, quoted, deliveries, RelayModes.BacklogSql(mode, quoted)), faults);
        var row = new ScenarioRow(scenario.Name, mode, seed, scenario.Relays, scenario.Inject is null ? 0 : faults.Count, fleet.UnexpectedExits, verdict);
        await File.WriteAllLinesAsync(Path.Combine(folder, "faults.log"), faults.Select((f, i) =>
            $"{f.Start:HH:mm:ss.fff} +{(f.End - f.Start).TotalSeconds:F2}s {f.What}; next delivery {(verdict.Recoveries[i] is { } r ? r.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s" : "none")} after its start"));
        output.WriteLine($"{scenario.Name} ({mode}), seed {seed}, schema {schema}: {faults.Count} fault(s), {kills} kill(s), {fleet.UnexpectedExits} unexpected relay exit(s), backlog {verdict.Backlog}");
        for (var i = 0; i < faults.Count; i++)
        {
            output.WriteLine($"  {faults[i].Start:HH:mm:ss.fff} {faults[i].What} (recovered in {(verdict.Recoveries[i] is { } r ? r.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s" : "–")})");
        }

        foreach (var example in verdict.Examples)
        {
            output.WriteLine("  " + example);
        }

        return (row, folder);
    }

    /// <summary>Drops the run's schema, slots, publications and delivery files after a passing run (the logs stay); a failing one keeps all for inspection.</summary>
    public static async Task CleanUpAsync(FaultCluster cluster, string folder)
    {
        // A relay mode's slot and publication are named after the schema (the node's ModeOptions.Apply): a slot left
        // behind would hold WAL for the rest of the suite.
        var schema = Path.GetFileName(folder);
        await using var admin = cluster.Postgres.CreateDataSource();
        await using (var dropSlots = admin.CreateCommand("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE starts_with(slot_name, $1) AND NOT active"))
        {
            dropSlots.Parameters.Add(new NpgsqlParameter { Value = schema });
            await dropSlots.ExecuteScalarAsync();
        }

        await using (var dropSchema = admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        {
            await dropSchema.ExecuteNonQueryAsync();
        }

        await using var publications = admin.CreateCommand("SELECT pubname FROM pg_publication WHERE starts_with(pubname, $1)");
        publications.Parameters.Add(new NpgsqlParameter { Value = schema });
        var names = new List<string>();
        await using (var reader = await publications.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var dropPublication = admin.CreateCommand($"DROP PUBLICATION IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            await dropPublication.ExecuteNonQueryAsync();
        }

        Directory.Delete(Path.Combine(folder, "deliveries"), recursive: true);
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<bool> Pause()
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        return true;
    }
}
