namespace AgentOps.Observability;

/// <summary>Logs, metrics, traces and the Orleans Dashboard. Section <c>AgentOps:Observability</c>.</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "AgentOps:Observability";

    /// <summary>Write logs as one JSON object per line (with scopes: request id, trace id, run id).</summary>
    public bool JsonLogs { get; set; } = true;

    /// <summary>Serve Prometheus metrics at <see cref="PrometheusPath"/> on the web tier.</summary>
    public bool Prometheus { get; set; } = true;

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// The scraper's bearer token for <see cref="PrometheusPath"/> (<c>Authorization: Bearer &lt;token&gt;</c>). Without one,
    /// metrics are served to loopback connections only (a scraper on the same machine).
    /// </summary>
    [Hosting.Redact]
    public string? MetricsToken { get; set; }

    /// <summary>An OTLP collector (e.g. http://localhost:4317) for traces and metrics; none by default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Host the Orleans Dashboard. It costs CPU under load: its grain profiler runs on every grain call, and it collects
    /// the Orleans meters every second (a reader it creates itself; ~8 % of the process's CPU in a profile of 640 orders/s).
    /// </summary>
    public bool Dashboard { get; set; } = true;

    public string DashboardPath { get; set; } = "/dashboard";
}
