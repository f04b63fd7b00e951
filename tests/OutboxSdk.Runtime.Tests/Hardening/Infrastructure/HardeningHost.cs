using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutboxSdk.Hosting;
using OutboxSdk;

namespace Hardening.Tests.Infrastructure;

/// <summary>The hardening tests' hosts: the shared <see cref="OutboxSdk.TestSupport.TestHost"/> with a schema, a <see cref="Recorder"/> and fast timings.</summary>
internal static class HardeningHost
{
    /// <summary>
    /// A host over <paramref name="schema"/> with the types <paramref name="addTypes"/> registers; fast polling and
    /// retries so failures reach dead letters quickly. <paramref name="logs"/>, when given, receives every log line.
    /// </summary>
    public static IHost Build(string schema, Action<IServiceCollection> addTypes, Action<OutboxOptions> configure, LogSink? logs = null) =>
        OutboxSdk.TestSupport.TestHost.Build(Options(schema, configure), addTypes, AddRecorder, logs, LogLevel.Trace);

    public static Task<IHost> StartAsync(string schema, Action<IServiceCollection> addTypes, Action<OutboxOptions> configure, LogSink? logs = null) =>
        OutboxSdk.TestSupport.TestHost.StartAsync(Options(schema, configure), addTypes, AddRecorder, logs, LogLevel.Trace);

    public static Task StopAsync(IHost host) => OutboxSdk.TestSupport.TestHost.StopAsync(host);

    private static void AddRecorder(IServiceCollection services) => services.AddSingleton<Recorder>();

    private static Action<OutboxOptions> Options(string schema, Action<OutboxOptions> configure) => o =>
    {
        o.Schema = schema;
        OutboxSdk.TestSupport.TestHost.Fast(o);
        configure(o);
    };
}

/// <summary>What the handlers of one host saw (the messages), in the order they saw it.</summary>
public sealed class Recorder : Recorder<object>;
