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
public sealed class ContractOutbox : SchemaOutbox
{
    private readonly Action<OutboxOptions>? _configure;

    private ContractOutbox(LocalPostgres postgres, DeliveryMode mode, Action<OutboxOptions>? configure)
        : base(postgres, "c_")
    {
        Mode = mode;
        _configure = configure;
    }

    public DeliveryMode Mode { get; }

    /// <summary>The outbox of the first host started, which writes in the mode's write path.</summary>
    public IOutbox Outbox => Hosts[0].Services.GetRequiredService<IOutbox>();

    protected override bool UsesSlot => Mode.UsesSlot;

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
        Hosts.Add(host);
        return (host, recorder);
    }

    /// <summary>Publishes <paramref name="messages"/> in one transaction, committed unless <paramref name="rollback"/>.</summary>
    public Task PublishAsync<T>(IEnumerable<T> messages, bool rollback = false, IOutbox? outbox = null)
        where T : IAvroSerializable<T>
        => PublishWithAsync(outbox ?? Outbox, messages, rollback);

    /// <summary>Publishes steps <paramref name="from"/>.. of <paramref name="key"/>, each in its own transaction, in order.</summary>
    public async Task PublishStepsAsync(string key, int from, int count, IOutbox? outbox = null)
    {
        for (var seq = from; seq < from + count; seq++)
        {
            await PublishAsync([new ContractStep(key, seq)], outbox: outbox);
        }
    }
}
