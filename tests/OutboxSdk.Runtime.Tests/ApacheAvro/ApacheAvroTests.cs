using ApacheAvro.Tests.Shop;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OutboxSdk;
using OutboxSdk.ApacheAvro;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Registration;

namespace ApacheAvro.Tests;

/// <summary>
/// The optional OutboxSdk.ApacheAvro package (docs/apache-avro.md): an avrogen <c>ISpecificRecord</c> published as
/// <see cref="AvroRecord{T}"/> in the caller's transaction and handled by <c>INotificationHandler&lt;AvroRecord&lt;T&gt;&gt;</c>
/// with the guarantees of any message: delivered once if committed, never if rolled back, retried when a handler fails
/// (its writes on the delivery's transaction rolled back), in order per key.
/// </summary>
[Collection(IntegrationsPostgresCollection.Name)]
public sealed class ApacheAvroTests(PostgresFixture postgres)
{
    private const string Subject = "apache.order-placed";

    private static OrderPlaced Order(string id, string customer = "c-1", string? note = null) => new()
    {
        OrderId = id,
        Customer = customer,
        Quantity = 3,
        Total = 12.5,
        Note = note,
        Tags = ["gift", "express"],
    };

    private sealed class Shop(SchemaScope scope, IHost host, ApacheAvroRecorder recorder) : IAsyncDisposable
    {
        public SchemaScope Scope => scope;

        public IHost Host => host;

        public ApacheAvroRecorder Recorder => recorder;

        public IOutbox Outbox => host.Services.GetRequiredService<IOutbox>();

        public Task<long> ShipmentsAsync(string orderId) => scope.ScalarAsync<long>($"SELECT count(*) FROM \"{scope.Schema}\".avro_shipments WHERE order_id = '{orderId}'");

        public Task<long> MessagesAsync() => scope.ScalarAsync<long>($"SELECT count(*) FROM \"{scope.Schema}\".messages WHERE subject = '{Subject}'");

        public async ValueTask DisposeAsync()
        {
            await TestHost.StopAsync(host);
            await scope.DisposeAsync();
        }
    }

    /// <summary>A relay host with the record type registered through the package; <paramref name="generated"/> adds the handler the generator found.</summary>
    private static async Task<Shop> StartAsync(PostgresFixture fixture, bool generated = true, Action<IServiceCollection>? services = null,
        Action<OutboxOptions>? configure = null)
    {
        var scope = await fixture.NewSchemaAsync();
        try
        {
            await scope.ExecuteAsync($"CREATE TABLE \"{scope.Schema}\".avro_shipments (order_id text NOT NULL)");
            var recorder = new ApacheAvroRecorder();
            var host = await TestHost.StartAsync(
                o =>
                {
                    o.DataSource = scope.DataSource;
                    o.Schema = scope.Schema;
                    TestHost.Fast(o);
                    configure?.Invoke(o);
                },
                s =>
                {
                    if (generated)
                    {
                        s.AddOutboxTypes(AreaRegistrations.ApacheAvro);
                    }

                    s.AddApacheAvroMessage<OrderPlaced>(Subject, partitionKey: r => r.Customer);
                },
                s =>
                {
                    s.AddSingleton(recorder);
                    services?.Invoke(s);
                });
            return new Shop(scope, host, recorder);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    private static async Task PublishAsync(Shop shop, OrderPlaced order, bool commit)
    {
        await using var connection = await shop.Scope.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await shop.Outbox.PublishRecordAsync(order, tx);
        if (commit)
        {
            await tx.CommitAsync();
        }
    }

    [Fact]
    public void The_contract_is_Apaches_canonical_form_and_fingerprint_and_the_payload_round_trips_through_both_libraries()
    {
        var schema = OrderPlaced._SCHEMA;
        Assert.Equal(global::Avro.SchemaNormalization.ToParsingForm(schema), AvroRecord<OrderPlaced>.AvroCanonicalForm);
        Assert.Equal(global::Avro.SchemaNormalization.ParsingFingerprint64(schema), AvroRecord<OrderPlaced>.AvroFingerprint);
        Assert.DoesNotContain("doc", AvroRecord<OrderPlaced>.AvroCanonicalForm, StringComparison.Ordinal);
        Assert.Contains("The partition key.", AvroRecord<OrderPlaced>.AvroSchemaJson, StringComparison.Ordinal);

        var type = OutboxMessageType.Create<AvroRecord<OrderPlaced>>(Subject);
        Assert.Equal(AvroRecord<OrderPlaced>.AvroFingerprint, type.Fingerprint);

        // Written by Apache (through the package), read by OutboxSdk's own reader of the schema, and back.
        var bytes = AvroSerializer.Serialize(new AvroRecord<OrderPlaced>(Order("o-1", note: "ring twice")));
        Assert.NotNull(new OutboxSdk.Avro.Generic.GenericDatumReader(OutboxSdk.Avro.Schema.AvroSchema.Parse(AvroRecord<OrderPlaced>.AvroSchemaJson)).Read(bytes));
        var read = AvroSerializer.Deserialize<AvroRecord<OrderPlaced>>(bytes).Record;
        Assert.Equal(("o-1", "c-1", 3, 12.5, "ring twice"), (read.OrderId, read.Customer, read.Quantity, read.Total, read.Note));
        Assert.Equal(["gift", "express"], read.Tags);

        var noNote = AvroSerializer.Deserialize<AvroRecord<OrderPlaced>>(AvroSerializer.Serialize(new AvroRecord<OrderPlaced>(Order("o-2")))).Record;
        Assert.Null(noNote.Note);
        Assert.Throws<ArgumentNullException>(() => new AvroRecord<OrderPlaced>(null!));
    }

    [Fact]
    public async Task A_committed_record_is_delivered_once_a_rolled_back_one_never_and_a_failing_handler_is_retried_with_its_writes_once()
    {
        await using var shop = await StartAsync(postgres);
        var committed = "o-" + Guid.NewGuid();
        var rolledBack = "o-" + Guid.NewGuid();
        shop.Recorder.Failing[committed] = 2;
        await PublishAsync(shop, Order(rolledBack), commit: false);
        await PublishAsync(shop, Order(committed, note: "fragile"), commit: true);

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(committed), "the committed record");
        await Task.Delay(500); // a second delivery, if there were one, would have been seen by now
        Assert.Equal([committed], shop.Recorder.Seen);
        Assert.Equal(3, shop.Recorder.Attempts[committed]);
        Assert.False(shop.Recorder.Attempts.ContainsKey(rolledBack));
        Assert.Equal(1, await shop.ShipmentsAsync(committed)); // the two failed attempts' shipments rolled back
        Assert.Equal(0, await shop.ShipmentsAsync(rolledBack));
        Assert.Equal(1, await shop.MessagesAsync());
        var handled = Assert.Single(shop.Recorder.Records);
        Assert.Equal(("fragile", 3), (handled.Note, handled.Quantity));
        Assert.Equal(["gift", "express"], handled.Tags);
    }

    [Fact]
    public async Task A_record_whose_handler_always_fails_becomes_a_dead_letter_with_no_effect_and_its_key_moves_on()
    {
        await using var shop = await StartAsync(postgres, configure: o => o.Retry.MaxAttempts = 3);
        var poisoned = "o-" + Guid.NewGuid();
        var next = "o-" + Guid.NewGuid();
        shop.Recorder.Failing[poisoned] = int.MaxValue;
        await PublishAsync(shop, Order(poisoned), commit: true);
        await PublishAsync(shop, Order(next), commit: true);

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(next), "the record after the poisoned one");
        var deadLetters = shop.Host.Services.GetRequiredService<IDeadLetters>();
        await Recorder<string>.WaitUntilAsync(async () => (await deadLetters.ListAsync()).Count == 1, "the poisoned record's dead letter");
        Assert.Equal(3, shop.Recorder.Attempts[poisoned]);
        Assert.Equal(0, await shop.ShipmentsAsync(poisoned));
        Assert.Equal([next], shop.Recorder.Seen);
    }

    [Fact]
    public void Records_are_written_and_read_from_many_threads_at_once()
    {
        Parallel.For(0, 2000, i =>
        {
            var id = "o-" + i;
            var read = AvroSerializer.Deserialize<AvroRecord<OrderPlaced>>(AvroSerializer.Serialize(new AvroRecord<OrderPlaced>(Order(id, note: i % 2 == 0 ? null : "n")))).Record;
            Assert.Equal(id, read.OrderId);
            Assert.Equal(i % 2 == 0 ? null : "n", read.Note);
        });
    }

    [Fact]
    public async Task A_record_published_by_the_previous_version_of_its_avrogen_class_reaches_todays_handler_resolved()
    {
        await using var shop = await StartAsync(postgres);

        // The application's previous version, still running during a rolling deploy: it publishes the record as its
        // older avrogen class knew it (no Note), and registers that schema under the subject as a version of its own.
        using var previous = await TestHost.StartAsync(
            o =>
            {
                o.DataSource = shop.Scope.DataSource;
                o.Schema = shop.Scope.Schema;
                o.RunRelay = false;
            },
            s => s.AddApacheAvroMessage<ApacheAvro.Tests.Shop.V1.OrderPlaced>(Subject, partitionKey: r => r.Customer));
        var id = "o-" + Guid.NewGuid();
        await using (var connection = await shop.Scope.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var old = new ApacheAvro.Tests.Shop.V1.OrderPlaced { OrderId = id, Customer = "c-9", Quantity = 4, Total = 7.25, Tags = ["old"] };
            await previous.Services.GetRequiredService<IOutbox>().PublishRecordAsync(old, tx);
            await tx.CommitAsync();
        }

        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(id), "the record written by the previous version");
        var handled = Assert.Single(shop.Recorder.Records);
        Assert.Equal((id, "c-9", 4, 7.25, (string?)null, "old"), (handled.OrderId, handled.Customer, handled.Quantity, handled.Total, handled.Note, string.Join(",", handled.Tags)));
        Assert.Equal(2L, await shop.Scope.ScalarAsync<long>($"SELECT count(DISTINCT fingerprint) FROM \"{shop.Scope.Schema}\".schemas WHERE subject = '{Subject}'"));
        await TestHost.StopAsync(previous);
    }

    [Fact]
    public async Task Records_of_one_key_are_handled_in_publish_order()
    {
        await using var shop = await StartAsync(postgres);
        var ids = Enumerable.Range(0, 8).Select(i => $"o-{i}-{Guid.NewGuid()}").ToList();
        shop.Recorder.Failing[ids[2]] = 1; // a retry of one does not let the later ones of its key overtake it
        foreach (var id in ids)
        {
            await PublishAsync(shop, Order(id, customer: "same-customer"), commit: true);
        }

        await shop.Recorder.WaitForAsync(r => r.Seen.Count >= ids.Count, "all the records");
        Assert.Equal(ids, shop.Recorder.Seen);
    }

    [Fact]
    public async Task Handlers_registered_only_in_DI_are_called_once_however_often_they_are_registered()
    {
        await using var shop = await StartAsync(postgres, generated: false, services: s =>
        {
            s.AddScoped<INotificationHandler<AvroRecord<OrderPlaced>>, ShipAvroOrder>();
            s.AddScoped<INotificationHandler<AvroRecord<OrderPlaced>>, ShipAvroOrder>(); // as a second AddMediatR would
        });
        var id = "o-" + Guid.NewGuid();
        await PublishAsync(shop, Order(id), commit: true);
        await shop.Recorder.WaitForAsync(r => r.Seen.Contains(id), "the record");
        await Task.Delay(500);
        Assert.Equal([id], shop.Recorder.Seen);
        Assert.Equal(1, await shop.ShipmentsAsync(id));
    }

    [Fact]
    public void The_package_and_the_generated_registration_join_their_handlers_whichever_is_added_first()
    {
        foreach (var packageFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            if (packageFirst)
            {
                services.AddApacheAvroMessage<OrderPlaced>(Subject);
                services.AddOutboxTypes(AreaRegistrations.ApacheAvro);
            }
            else
            {
                services.AddOutboxTypes(AreaRegistrations.ApacheAvro);
                services.AddApacheAvroMessage<OrderPlaced>(Subject);
            }

            services.AddApacheAvroMessage<OrderPlaced>(Subject); // again: nothing changes
            using var provider = services.BuildServiceProvider();
            var registry = provider.GetRequiredService<OutboxTypeRegistry>();
            Assert.Equal(typeof(AvroRecord<OrderPlaced>), registry.FindMessage(Subject)?.ClrType);
            var dispatch = registry.FindDispatch(typeof(AvroRecord<OrderPlaced>));
            Assert.NotNull(dispatch);
            Assert.Equal([typeof(ShipAvroOrder)], dispatch.HandlerTypes);
        }
    }
}
