using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentOps.Observability;

/// <summary>OpenTelemetry and logging set-up shared by the silo host and the web tier.</summary>
public static class ObservabilityExtensions
{
    public static ObservabilityOptions ReadObservability(this IConfiguration configuration) =>
        configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();

    /// <summary>JSON logs (when configured) and OpenTelemetry metrics and traces of Orleans and the bookstore.</summary>
    /// <param name="configureMetrics">Adds what only some hosts have (ASP.NET Core instrumentation, the Prometheus exporter).</param>
    public static IServiceCollection AddAgentOpsObservability(this IServiceCollection services, IConfiguration configuration, string serviceName,
        Action<MeterProviderBuilder>? configureMetrics = null, Action<TracerProviderBuilder>? configureTracing = null)
    {
        var options = configuration.ReadObservability();
        services.AddLogging(logging =>
        {
            if (!options.JsonLogs) return;
            logging.ClearProviders();
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        });

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AgentOpsMetrics.MeterName, "Microsoft.Orleans");
                configureMetrics?.Invoke(metrics);
            });
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            // Traces only when there is somewhere to send them: recording an activity per grain call costs CPU.
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                configureTracing?.Invoke(tracing);
            });
            telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(options.OtlpEndpoint));
        }
        return services;
    }
}
