namespace AgentOps.Hosting;

/// <summary>
/// Warehouses this silo hosts and registers at start-up. Setting <c>AgentOps:Warehouses</c>
/// (a comma-separated list or an array), base URL <c>AgentOps:PublicUrl</c>.
/// </summary>
public sealed class WarehouseHostingOptions
{
    public IReadOnlyList<string> Names { get; set; } = [];

    /// <summary>The front door's public URL; a warehouse registers as <c>{PublicUrl}/warehouses/{name}</c>.</summary>
    public string PublicUrl { get; set; } = "http://localhost:8080";

    /// <summary>Longest pause between registration attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
