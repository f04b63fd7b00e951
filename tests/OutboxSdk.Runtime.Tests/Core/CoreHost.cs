using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Registration;
using OutboxSdk.Hosting;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary>A host with the outbox and this assembly's types, no relay: the core's startup work and nothing else.</summary>
internal static class CoreHost
{
    public static IHost Build(NpgsqlDataSource dataSource, string schema, Action<OutboxOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutboxTypes(AreaRegistrations.Runtime);
        builder.Services.AddOutbox(o =>
        {
            o.DataSource = dataSource;
            o.Schema = schema;
            o.RunRelay = false;
            configure?.Invoke(o);
        });
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(NpgsqlDataSource dataSource, string schema, Action<OutboxOptions>? configure = null)
    {
        var host = Build(dataSource, schema, configure);
        await host.StartAsync();
        return host;
    }
}
