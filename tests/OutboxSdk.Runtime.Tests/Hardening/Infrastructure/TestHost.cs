using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutboxSdk.Hosting;

namespace Hardening.Tests.Infrastructure;

/// <summary>Builds and starts hosts as an application does: AddOutbox, a generated registration, handlers.</summary>
internal static class TestHost
{
    /// <summary>
    /// A host over <paramref name="schema"/> with the types <paramref name="addTypes"/> registers; fast polling and
    /// retries so failures reach dead letters quickly. <paramref name="logs"/>, when given, receives every log line.
    /// </summary>
    public static IHost Build(string schema, Action<IServiceCollection> addTypes, Action<OutboxOptions> configure, LogSink? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<Recorder>();
        addTypes(builder.Services);
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddOutbox(o =>
        {
            o.Schema = schema;
            o.PollInterval = TimeSpan.FromMilliseconds(500);
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
            configure(o);
        });
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(string schema, Action<IServiceCollection> addTypes, Action<OutboxOptions> configure, LogSink? logs = null)
    {
        var host = Build(schema, addTypes, configure, logs);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>What the handlers of one host saw (the messages), in the order they saw it.</summary>
public sealed class Recorder : Recorder<object>;
