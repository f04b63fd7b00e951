using OutboxSdk.Testing;

namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// Applications on current MediatR consume the packed SDK: a fresh project per MediatR version — 12.4.1, the newest
/// Apache-2.0 release, and 12.2.0, the oldest 12.x served here — with a message type that declares no
/// <c>INotification</c> (the generator adds it) and a handler, its own <c>AddMediatR</c> beside the outbox, builds
/// and delivers committed messages to its handler through a real PostgreSQL, each once.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
public sealed class MediatRConsumerTests
{
    [Fact]
    public async Task Apps_on_MediatR_12_build_and_their_handlers_receive_each_committed_message_once()
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        await using var postgres = await LocalPostgres.StartAsync();
        using var packed = PackedFeed.Pack(deadline);
        var hosting = ("Microsoft.Extensions.Hosting", PackedFeed.CentralVersion("Microsoft.Extensions.Hosting"));
        foreach (var version in new[] { "12.4.1", "12.2.0" })
        {
            var app = packed.WriteConsumer("mediatr-" + version, "Consumer", Program, "Consumer", ("MediatR", version), hosting);
            DotnetProcess.Run(app, packed.Isolated, deadline, "build", "-c", "Release");
            var schema = "m" + version.Replace(".", "", StringComparison.Ordinal);
            var output = DotnetProcess.Run(app, packed.Isolated, deadline, "run", "--no-build", "-c", "Release", "--", postgres.ConnectionString, schema);
            Assert.Equal(["delivered: a/0 a/1 a/2", "in-process: 1"], output.Trim().Split('\n').Select(l => l.TrimEnd('\r')));
        }
    }

    private const string Program = """
        using System.Collections.Concurrent;
        using MediatR;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Npgsql;
        using OutboxSdk;
        using OutboxSdk.Generated;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var seen = new Seen();
        builder.Services.AddSingleton(seen);
        builder.Services.AddOutbox(o => { o.ConnectionString = args[0]; o.Schema = args[1]; o.PollInterval = TimeSpan.FromMilliseconds(200); });
        builder.Services.AddConsumerOutboxTypes();
        builder.Services.AddMediatR(c => c.RegisterServicesFromAssemblyContaining<Seen>()); // the app's own in-process mediator
        using var host = builder.Build();
        await host.StartAsync();

        await using (var dataSource = NpgsqlDataSource.Create(args[0]))
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var outbox = host.Services.GetRequiredService<IOutbox>();
            for (var i = 0; i < 3; i++)
            {
                await outbox.PublishAsync(new OrderPlaced("a", i), transaction);
            }

            await transaction.CommitAsync();
        }

        for (var waited = 0; seen.Steps.Count < 3 && waited < 600; waited++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(300); // a second delivery would arrive about now
        Console.WriteLine("delivered: " + string.Join(" ", seen.Steps));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new Ping());
        }

        Console.WriteLine("in-process: " + seen.Pings);
        await host.StopAsync();

        [OutboxMessage("consumer.order-placed")]
        public partial record OrderPlaced([property: PartitionKey] string Customer, int Step);

        public sealed record Ping : INotification;

        public sealed class Seen
        {
            public ConcurrentQueue<string> Steps { get; } = new();

            public int Pings;
        }

        public sealed class OnPlaced(Seen seen) : INotificationHandler<OrderPlaced>
        {
            public Task Handle(OrderPlaced message, CancellationToken cancellationToken)
            {
                seen.Steps.Enqueue(message.Customer + "/" + message.Step);
                return Task.CompletedTask;
            }
        }

        public sealed class OnPing(Seen seen) : INotificationHandler<Ping>
        {
            public Task Handle(Ping message, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref seen.Pings);
                return Task.CompletedTask;
            }
        }
        """;
}
