using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Registration;
using OutboxSdk.Hosting;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary>A host with the outbox and this assembly's types, no relay: the core's startup work and nothing else.</summary>
internal static class CoreHost
{
    public static IHost Build(NpgsqlDataSource dataSource, string schema, Action<OutboxOptions>? configure = null) =>
        TestHost.Build(
            o =>
            {
                o.DataSource = dataSource;
                o.Schema = schema;
                o.RunRelay = false;
                configure?.Invoke(o);
            },
            services => services.AddOutboxTypes(AreaRegistrations.Runtime));

    public static Task<IHost> StartAsync(NpgsqlDataSource dataSource, string schema, Action<OutboxOptions>? configure = null) =>
        TestHost.StartAsync(
            o =>
            {
                o.DataSource = dataSource;
                o.Schema = schema;
                o.RunRelay = false;
                configure?.Invoke(o);
            },
            services => services.AddOutboxTypes(AreaRegistrations.Runtime));
}
