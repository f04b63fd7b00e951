using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OutboxSdk.Observability;

namespace WebShop;

/// <summary>
/// OpenTelemetry for the SDK's ActivitySource and Meter (<see cref="OutboxTelemetry"/>) and the shop's own source:
/// a "place order" span is the parent of the SDK's publish span, whose trace context travels with the message to the
/// handler's process span. <c>Telemetry:Exporter</c> is <c>console</c> (default), <c>otlp</c> (to
/// <c>Telemetry:OtlpEndpoint</c>, or the OTEL_EXPORTER_OTLP_ENDPOINT default) or <c>none</c>.
/// </summary>
internal static class ShopTelemetry
{
    public const string SourceName = "WebShop";

    public static readonly ActivitySource Source = new(SourceName);

    public static void AddShopTelemetry(this WebApplicationBuilder builder)
    {
        var exporter = builder.Configuration["Telemetry:Exporter"] ?? "console";
        var endpoint = builder.Configuration["Telemetry:OtlpEndpoint"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            exporter = "otlp";
        }

        if (exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var otlp = exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(SourceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(SourceName, OutboxTelemetry.ActivitySourceName);
                if (otlp)
                {
                    tracing.AddOtlpExporter(o => SetEndpoint(o, endpoint));
                }
                else
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OutboxTelemetry.MeterName);
                if (otlp)
                {
                    metrics.AddOtlpExporter(o => SetEndpoint(o, endpoint));
                }
                else
                {
                    metrics.AddConsoleExporter();
                }
            });
    }

    private static void SetEndpoint(OpenTelemetry.Exporter.OtlpExporterOptions options, string? endpoint)
    {
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            options.Endpoint = new Uri(endpoint);
        }
    }
}
