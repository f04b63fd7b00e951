using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Registration;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.Testing;
using OutboxSdk.TestSupport;

namespace Contract.Tests;

/// <summary>
/// One contract test's outbox in one <see cref="DeliveryMode"/>: its own schema (so its own queue channel, or slot
/// and publication), relay hosts built as an application builds them, and writes through the real
/// <see cref="IOutbox"/> in the caller's transaction. On dispose the hosts stop and everything is dropped.
/// </summary>
public sealed class ContractOutbox : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private readonly Action<OutboxOptions>? _configure;

    private ContractOutbox(LocalPostgres postgres, DeliveryMode mode, Action<OutboxOptions>? configure)
    {
        Mode = mode;
        _configure = configure;
        Schema = "c_" + Guid.NewGuid().ToString("N")[..12];
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SearchPath = Schema, MaxPoolSize = 50 }.ConnectionString);
    }

    public DeliveryMode Mode { get; }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The outbox of the first host started, which writes in the mode's write path.</summary>
    public IOutbox Outbox => _hosts[0].Services.GetRequiredService<IOutbox>();

    public static async Task<ContractOutbox> CreateAsync(LocalPostgres postgres, DeliveryMode mode, Action<OutboxOptions>? configure = null)
    {
        var outbox = new ContractOutbox(postgres, mode, configure);
        await outbox.ExecuteAsync($"CREATE SCHEMA \"{outbox.Schema}\"; CREATE TABLE \"{outbox.Schema}\".effects (key text NOT NULL, seq int NOT NULL, message_id uuid NOT NULL)");
        return outbox;
    }

    /// <summary>Starts a relay host (it applies the migrations and sets up its mode) with its own recorder.</summary>
    public async Task<(IHost Host, ContractRecorder Recorder)> StartRelayAsync(Action<OutboxOptions>? configure = null)
    {
        var recorder = new ContractRecorder();
        var host = await TestHost.StartAsync(
            o =>
            {
                o.DataSource = DataSource;
                o.Schema = Schema;
                TestHost.Fast(o);
                Mode.Configure(o);
                _configure?.Invoke(o);
                configure?.Invoke(o);
            },
            services => services.AddOutboxTypes(AreaRegistrations.Contract),
            services => services.AddSingleton(recorder));
        _hosts.Add(host);
        return (host, recorder);
    }

    public async Task StopAsync(IHost host)
    {
        _hosts.Remove(host);
        await TestHost.StopAsync(host);
    }

    /// <summary>Publishes <paramref name="messages"/> in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public async Task PublishAsync<T>(IEnumerable<T> messages, bool rollback = false, IOutbox? outbox = null)
        where T : IAvroSerializable<T>
    {
        outbox ??= Outbox;
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in messages)
        {
            await outbox.PublishAsync(message, transaction);
        }

        if (rollback)
        {
            await transaction.RollbackAsync();
        }
        else
        {
            await transaction.CommitAsync();
        }
    }

    /// <summary>Publishes steps <paramref name="from"/>.. of <paramref name="key"/>, each in its own transaction, in order.</summary>
    public async Task PublishStepsAsync(string key, int from, int count, IOutbox? outbox = null)
    {
        for (var seq = from; seq < from + count; seq++)
        {
            await PublishAsync([new ContractStep(key, seq)], outbox: outbox);
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.ToList())
        {
            await StopAsync(host);
        }

        if (Mode.UsesSlot)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'outbox_{Schema}'");
                    break;
                }
                catch (PostgresException e) when (e.SqlState == "55006" && attempt < 100)
                {
                    await Task.Delay(100); // its walsender is still letting go
                }
            }

            await ExecuteAsync($"DROP PUBLICATION IF EXISTS \"outbox_{Schema}\"");
        }

        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await DataSource.DisposeAsync();
    }
}
