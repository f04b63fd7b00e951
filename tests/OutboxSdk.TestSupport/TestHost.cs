using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutboxSdk.Hosting;
using OutboxSdk;

namespace OutboxSdk.TestSupport;

/// <summary>
/// Builds and starts hosts as an application does: the test's own services (its recorder, fakes), logging,
/// <c>AddOutbox</c>, and a generated registration (or an area's share of one, <see cref="AreaRegistration"/>). No
/// defaults (configuration files, environment, console logging): a test host has what the test gives it.
/// </summary>
public static class TestHost
{
    /// <summary>
    /// A host configured by <paramref name="configure"/> with the types <paramref name="addTypes"/> registers.
    /// <paramref name="services"/> runs first (so its TryAdd registrations win); <paramref name="logs"/>, when given,
    /// receives every entry from <paramref name="minimumLevel"/> up (the default level when null).
    /// </summary>
    public static IHost Build(Action<OutboxOptions> configure, Action<IServiceCollection> addTypes, Action<IServiceCollection>? services = null,
        ILoggerProvider? logs = null, LogLevel? minimumLevel = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        services?.Invoke(builder.Services);
        if (logs is not null)
        {
            if (minimumLevel is { } level)
            {
                builder.Logging.SetMinimumLevel(level);
            }

            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddOutbox(configure);
        addTypes(builder.Services);
        return builder.Build();
    }

    /// <summary>Builds and starts a host (<see cref="Build"/>); one that fails to start is disposed.</summary>
    public static async Task<IHost> StartAsync(Action<OutboxOptions> configure, Action<IServiceCollection> addTypes, Action<IServiceCollection>? services = null,
        ILoggerProvider? logs = null, LogLevel? minimumLevel = null)
    {
        var host = Build(configure, addTypes, services, logs, minimumLevel);
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

    /// <summary>Fast polling and retries, so a test waits half a second for a poll and failures reach dead letters quickly.</summary>
    public static void Fast(OutboxOptions options)
    {
        options.PollInterval = TimeSpan.FromMilliseconds(500);
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
    }
}
