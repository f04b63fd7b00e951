namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// The packed OutboxSdk.ApacheAvro, consumed by a brand-new project outside the repository: an avrogen-style
/// <c>ISpecificRecord</c> class (written by hand as avrogen writes it) is published in an NpgsqlTransaction — once
/// committed, once rolled back — and handled by an <c>INotificationHandler&lt;AvroRecord&lt;T&gt;&gt;</c> that inserts on the
/// delivery's transaction and fails its first attempt: one record handled, one shipment — against a throwaway Postgres
/// from the packed OutboxSdk.Testing.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
[Collection(PackedFeed.Collection)]
public sealed class ApacheAvroPackageTests
{
    private const string Version = PackedFeed.Version;

    [Fact]
    public void A_new_project_publishes_and_handles_Apache_Avro_specific_records()
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        using var packed = PackedFeed.Pack(deadline, "OutboxSdk.ApacheAvro", "OutboxSdk.Testing");
        PackageTests.AssertPackage(packed.Feed, "OutboxSdk.ApacheAvro", ["lib/net10.0/OutboxSdk.ApacheAvro.dll"],
            ["OutboxSdk " + Version, "Apache.Avro " + PackedFeed.CentralVersion("Apache.Avro"), "MediatR [12.2.0, 13.0.0)"]);

        var app = packed.WriteConsumer("apache-avro", "AvroProbe", Program, null,
            ("OutboxSdk.ApacheAvro", Version), ("OutboxSdk.Testing", Version), ("Microsoft.Extensions.Hosting", PackedFeed.CentralVersion("Microsoft.Extensions.Hosting")));
        DotnetProcess.Run(app, packed.Isolated, deadline, "build", "-c", "Release");
        var output = DotnetProcess.Run(app, packed.Isolated, deadline, "run", "--no-build", "-c", "Release");

        Assert.Equal(["messages: 1", "shipments: 1", "attempts: 2", "handled: o-1 c-1 3 gift,express fragile"],
            output.Trim().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.StartsWith("info", StringComparison.Ordinal)).TakeLast(4));
    }

    private const string Program = """
        using Avro;
        using Avro.Specific;
        using MediatR;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Npgsql;
        using OutboxSdk;
        using OutboxSdk.ApacheAvro;
        using OutboxSdk.Generated;
        using OutboxSdk.Testing;
        using Shop.Events;

        await using var postgres = await LocalPostgres.StartAsync();
        await using var dataSource = postgres.CreateDataSource();
        await using (var create = dataSource.CreateCommand("CREATE TABLE shipments (order_id text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
        });
        builder.Services.AddAvroProbeOutboxTypes(); // the handler the generator found
        builder.Services.AddApacheAvroMessage<OrderPlaced>("shop.order-placed", partitionKey: r => r.Customer);
        builder.Services.AddSingleton<Attempts>();
        using var host = builder.Build();
        await host.StartAsync();
        var outbox = host.Services.GetRequiredService<IOutbox>();

        foreach (var (id, commit) in new[] { ("o-0", false), ("o-1", true) })
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var order = new OrderPlaced { OrderId = id, Customer = "c-1", Quantity = 3, Tags = ["gift", "express"], Note = "fragile" };
            await outbox.PublishRecordAsync(order, tx);
            if (commit)
            {
                await tx.CommitAsync();
            }
        }

        var attempts = host.Services.GetRequiredService<Attempts>();
        var handled = await attempts.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        await host.StopAsync();

        await using var check = dataSource.CreateCommand("SELECT (SELECT count(*) FROM outbox.messages), (SELECT count(*) FROM shipments)");
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"messages: {reader.GetInt64(0)}");
        Console.WriteLine($"shipments: {reader.GetInt64(1)}");
        Console.WriteLine($"attempts: {attempts.Count}");
        Console.WriteLine($"handled: {handled.OrderId} {handled.Customer} {handled.Quantity} {string.Join(",", handled.Tags)} {handled.Note}");

        public sealed class Attempts
        {
            public int Count;
            public TaskCompletionSource<OrderPlaced> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Inserts on the delivery's transaction, then fails its first attempt: that insert rolls back.
        public sealed class ShipOrder(IOutboxContext delivery, Attempts attempts) : INotificationHandler<AvroRecord<OrderPlaced>>
        {
            public async Task Handle(AvroRecord<OrderPlaced> notification, CancellationToken cancellationToken)
            {
                await using (var insert = new NpgsqlCommand("INSERT INTO shipments (order_id) VALUES (@id)", delivery.Connection, delivery.Transaction))
                {
                    insert.Parameters.AddWithValue("id", notification.Record.OrderId);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                Interlocked.Increment(ref attempts.Count);
                if (delivery.Attempt == 1)
                {
                    throw new InvalidOperationException("the first attempt fails after inserting");
                }

                attempts.Delivered.TrySetResult(notification.Record);
            }
        }

        namespace Shop.Events
        {
            // As `avrogen -s order-placed.avsc .` writes it.
            public partial class OrderPlaced : ISpecificRecord
            {
                public static Schema _SCHEMA = Schema.Parse(
                    "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"Shop.Events\",\"fields\":["
                    + "{\"name\":\"OrderId\",\"type\":\"string\"},{\"name\":\"Customer\",\"type\":\"string\"},{\"name\":\"Quantity\",\"type\":\"int\"},"
                    + "{\"name\":\"Tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"Note\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

                public virtual Schema Schema => _SCHEMA;

                public string OrderId { get; set; } = "";

                public string Customer { get; set; } = "";

                public int Quantity { get; set; }

                public IList<string> Tags { get; set; } = [];

                public string? Note { get; set; }

                public virtual object? Get(int fieldPos) => fieldPos switch
                {
                    0 => OrderId,
                    1 => Customer,
                    2 => Quantity,
                    3 => Tags,
                    4 => Note,
                    _ => throw new AvroRuntimeException("Bad index " + fieldPos + " in Get()"),
                };

                public virtual void Put(int fieldPos, object? fieldValue)
                {
                    switch (fieldPos)
                    {
                        case 0: OrderId = (string)fieldValue!; break;
                        case 1: Customer = (string)fieldValue!; break;
                        case 2: Quantity = (int)fieldValue!; break;
                        case 3: Tags = (IList<string>)fieldValue!; break;
                        case 4: Note = (string?)fieldValue; break;
                        default: throw new AvroRuntimeException("Bad index " + fieldPos + " in Put()");
                    }
                }
            }
        }
        """;
}
