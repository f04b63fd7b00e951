using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Hosting;
using OutboxSdk.Schema;
using OutboxSdk;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// <c>relay --connection cs --schema s --mode mode --instance name --deliveries folder</c>
/// [--handler-timeout-ms 1500] [--max-attempts 6]: an application instance that runs only the relay, until killed.
/// The modes are those of <see cref="ModeOptions"/>.
/// Its connections carry the application name <c>fault-relay-&lt;instance&gt;</c>, so the suite can find and terminate them.
/// </summary>
public static class RelayNode
{
    public static async Task<int> RunAsync(NodeArguments arguments)
    {
        var schema = arguments.Text("schema");
        var instance = arguments.Text("instance", "1");
        var mode = arguments.Text("mode", "Notify");
        var handlerTimeout = TimeSpan.FromMilliseconds(arguments.Int("handler-timeout-ms", 1500));
        var connection = new NpgsqlConnectionStringBuilder(arguments.Text("connection"))
        {
            ApplicationName = "fault-relay-" + instance,
            MaxPoolSize = 30,
            Timeout = 5, // connecting through a stalled proxy must fail and be retried, not wait the default 15 s
        }.ConnectionString;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new StderrLoggerProvider(LogLevel.Warning));
        builder.Services.AddSingleton(new DeliveryLog(arguments.Text("deliveries"), instance));
        builder.Services.AddSingleton(new HandlerSettings(OutboxSchema.QuoteIdentifier(schema) + ".\"fault_effects\"", instance, handlerTimeout * 2));
        builder.Services.AddOutbox(o =>
        {
            o.ConnectionString = connection;
            o.Schema = schema;
            o.PollInterval = TimeSpan.FromMilliseconds(500);
            o.Retry.MaxAttempts = arguments.Int("max-attempts", 6);
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(250);
            o.Retry.HandlerTimeout = handlerTimeout;
            ModeOptions.Apply(o, mode, schema);
        });
        builder.Services.AddOutboxSdkFaultTestsNodeOutboxTypes();
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Startup met the fault (the database restarting, its connection terminated): the suite restarts us.
            await Console.Error.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss.fff} startup failed: {e.GetType().Name}: {e.Message}");
            return 3;
        }

        Console.WriteLine("relay started");
        await Console.Error.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss.fff} relay {instance} started (pid {Environment.ProcessId})");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
