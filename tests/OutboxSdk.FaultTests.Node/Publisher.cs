using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Schema;
using OutboxSdk;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// <c>publisher --connection cs --schema s --mode mode --seed n --rate msgs/s --seconds n</c> [--keys 40] [--rollback 0.1]
/// [--poison 0.005] [--flaky 0.03] [--hang 0] [--slow-write 0] [--effect 0.7]: publishes a paced stream of <see cref="FaultEvent"/>s in
/// transactions of one to four messages. Each committed message has a row in <c>fault_ledger</c> written in the same
/// transaction — the ledger is true whatever happened to the COMMIT's reply. Rolled-back transactions (a fraction
/// chosen at random) are recorded in <c>fault_rolled_back</c> after the rollback. A failed transaction (the database
/// restarting) is logged and the stream goes on; a seq is never reused.
/// </summary>
public static class Publisher
{
    public static async Task<int> RunAsync(NodeArguments arguments)
    {
        var schema = arguments.Text("schema");
        var random = new Random(arguments.Int("seed", 1));
        var rate = arguments.Double("rate", 100);
        var duration = TimeSpan.FromSeconds(arguments.Double("seconds", 10));
        var keys = arguments.Int("keys", 40);
        var (rollback, poison, flaky, hang, effect) = (arguments.Double("rollback", 0.1), arguments.Double("poison", 0.005),
            arguments.Double("flaky", 0.03), arguments.Double("hang", 0), arguments.Double("effect", 0.7));
        var slowWrite = arguments.Double("slow-write", 0);
        var s = OutboxSchema.QuoteIdentifier(schema);

        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(arguments.Text("connection"))
        {
            ApplicationName = "fault-publisher",
            Timeout = 5,
        }.ConnectionString);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new StderrLoggerProvider(LogLevel.Warning));
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            o.Schema = schema;
            o.RunRelay = false;
            ModeOptions.Apply(o, arguments.Text("mode", "Notify"), schema); // the write mode must match the relays'
        });
        builder.Services.AddOutboxSdkFaultTestsNodeOutboxTypes();
        using var host = builder.Build();
        await host.StartAsync(); // migrations and schema registration
        var outbox = host.Services.GetRequiredService<IOutbox>();

        var seqs = new long[keys];
        var (committed, rolledBack, failed, sent) = (0L, 0L, 0L, 0L);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var due = TimeSpan.FromSeconds(sent / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var batch = new FaultEvent[random.Next(1, 5)];
            for (var i = 0; i < batch.Length; i++)
            {
                var key = random.Next(keys);
                var roll = random.NextDouble();
                var behaviour = roll < poison ? Behaviours.Poison
                    : roll < poison + flaky ? Behaviours.Flaky
                    : roll < poison + flaky + hang ? Behaviours.Hang
                    : roll < poison + flaky + hang + slowWrite ? Behaviours.SlowContextWrite
                    : Behaviours.Normal;
                batch[i] = new FaultEvent(Guid.NewGuid(), "k" + key, ++seqs[key], behaviour, random.NextDouble() < effect);
            }

            sent += batch.Length;
            var rollBack = random.NextDouble() < rollback;
            try
            {
                await PublishAsync(dataSource, outbox, s, batch, rollBack);
                if (rollBack)
                {
                    rolledBack += batch.Length;
                    await RecordRolledBackAsync(dataSource, s, batch);
                }
                else
                {
                    committed += batch.Length;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                failed += batch.Length; // the ledger knows whether the commit happened
                await Console.Error.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss.fff} publish failed: {e.GetType().Name}: {e.Message}");
                await Task.Delay(100);
            }
        }

        Console.WriteLine($"published committed={committed} rolled-back={rolledBack} failed={failed}");
        await host.StopAsync();
        return 0;
    }

    private static async Task PublishAsync(NpgsqlDataSource dataSource, IOutbox outbox, string schema, FaultEvent[] batch, bool rollBack)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in batch)
        {
            await outbox.PublishAsync(message, transaction);
        }

        await using (var ledger = new NpgsqlCommand(
            $"INSERT INTO {schema}.\"fault_ledger\" (id, key, seq, behaviour, effect) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[], $5::bool[])",
            connection, transaction))
        {
            ledger.Parameters.Add(new() { Value = batch.Select(m => m.Id).ToArray() });
            ledger.Parameters.Add(new() { Value = batch.Select(m => m.Key).ToArray() });
            ledger.Parameters.Add(new() { Value = batch.Select(m => m.Seq).ToArray() });
            ledger.Parameters.Add(new() { Value = batch.Select(m => m.Behaviour).ToArray() });
            ledger.Parameters.Add(new() { Value = batch.Select(m => m.Effect).ToArray() });
            await ledger.ExecuteNonQueryAsync();
        }

        if (rollBack)
        {
            await transaction.RollbackAsync();
        }
        else
        {
            await transaction.CommitAsync();
        }
    }

    private static async Task RecordRolledBackAsync(NpgsqlDataSource dataSource, string schema, FaultEvent[] batch)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO {schema}.\"fault_rolled_back\" (id, key, seq) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])");
        command.Parameters.Add(new() { Value = batch.Select(m => m.Id).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(m => m.Key).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(m => m.Seq).ToArray() });
        await command.ExecuteNonQueryAsync();
    }
}
