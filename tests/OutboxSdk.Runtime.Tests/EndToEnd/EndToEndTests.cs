using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Registration;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;
using OutboxSdk.Outbox;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.EndToEnd;

/// <summary>The parts together, as an application uses them: AddOutbox, the generated registration, IOutbox, the relay.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EndToEndTests(PostgresFixture fixture)
{
    private static readonly ActivitySource Caller = new("OutboxSdk.Runtime.Tests.Caller");

    [Fact]
    public async Task Committed_messages_reach_their_handler_and_rolled_back_ones_never_do()
    {
        await using var dataSource = fixture.CreateDataSource();
        using var host = await StartAsync(dataSource);
        var outbox = host.Services.GetRequiredService<IOutbox>();
        var probe = host.Services.GetRequiredService<E2EProbe>();

        var committed = new List<Guid>();
        var rolledBack = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var ping = new E2EPing(Guid.NewGuid(), "k" + (i % 3));
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.PublishAsync(ping, transaction);
            if (i % 3 == 2)
            {
                await transaction.RollbackAsync();
                rolledBack.Add(ping.Id);
            }
            else
            {
                await transaction.CommitAsync();
                committed.Add(ping.Id);
            }
        }

        await probe.WaitForAsync(committed, TimeSpan.FromSeconds(20));
        await Task.Delay(300); // a wrongly delivered rolled-back message would arrive in this time
        Assert.DoesNotContain(rolledBack, probe.Seen.ContainsKey);
        Assert.Equal(committed.Count, probe.Seen.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_handler_runs_in_the_publishers_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is OutboxTelemetry.ActivitySourceName or "OutboxSdk.Runtime.Tests.Caller",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var dataSource = fixture.CreateDataSource();
        using var host = await StartAsync(dataSource);
        var outbox = host.Services.GetRequiredService<IOutbox>();
        var probe = host.Services.GetRequiredService<E2EProbe>();

        var ping = new E2EPing(Guid.NewGuid(), "trace");
        ActivityTraceId publisherTrace;
        using (var request = Caller.StartActivity("PlaceOrder"))
        {
            publisherTrace = request!.TraceId;
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.PublishAsync(ping, transaction);
            await transaction.CommitAsync();
        }

        await probe.WaitForAsync([ping.Id], TimeSpan.FromSeconds(20));
        Assert.Equal(publisherTrace, probe.Seen[ping.Id]);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_health_check_is_healthy_while_the_relay_runs()
    {
        await using var dataSource = fixture.CreateDataSource();
        using var host = await StartAsync(dataSource);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HealthReport report;
        do
        {
            report = await health.CheckHealthAsync();
        }
        while (report.Status != HealthStatus.Healthy && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HealthStatus.Healthy, report.Entries["outbox"].Status);
        await host.StopAsync();

        static async Task<bool> Delay()
        {
            await Task.Delay(100);
            return true;
        }
    }

    private static Task<IHost> StartAsync(NpgsqlDataSource dataSource) =>
        TestHost.StartAsync(
            o =>
            {
                o.DataSource = dataSource;
                o.Schema = PostgresFixture.NewSchemaName();
            },
            services => services.AddOutboxTypes(AreaRegistrations.Runtime),
            services => services.AddSingleton<E2EProbe>());
}
