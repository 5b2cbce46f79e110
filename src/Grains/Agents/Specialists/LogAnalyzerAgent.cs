using System.Text.Json;
using AgentOps.Users;

namespace AgentOps.Agents.Specialists;

/// <summary>Read-only investigator: reads ops events and warehouse health, returns a structured report.</summary>
public sealed class LogAnalyzerAgent : IAgent
{
    public const string AgentType = "log-analyzer";

    public string Type => AgentType;

    public string Description =>
        "Read-only. Investigates why things fail (orders, shipments, warehouses) from ops events and health, and returns a report " +
        "{success, summary, findings[severity, title, description, evidence, recommendation]}.";

    public IReadOnlyList<string> Capabilities => ["why", "failing", "investigate", "analyze", "analyse", "logs", "errors", "diagnose", "report", "happened"];

    public IReadOnlyList<string> ToolNames => ["query_ops_events", "list_warehouses", "list_orders"];

    // Ops events and every customer's orders: store admins only.

    public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.StoreAdmin];

    public AgentDecision Plan(AgentContext context)
    {
        if (context.Last("query_ops_events") is not { } events)
            return new CallTool("Reading recent warnings and errors from the ops event log.", "query_ops_events",
                JsonSerializer.Serialize(new { min_severity = "warning", limit = 100 }));
        if (context.Last("list_warehouses") is not { } warehouses)
            return new CallTool("Checking warehouse health, since failed shipments usually start there.", "list_warehouses", "{}");

        var findings = new List<Finding>();
        foreach (var w in Array(warehouses.OutputJson(), "warehouses"))
        {
            var name = w.GetProperty("name").GetString();
            var status = w.GetProperty("status").GetString();
            var fault = w.TryGetProperty("fault", out var f) && f.ValueKind == JsonValueKind.Object ? f.GetProperty("kind").GetString()?.ToLowerInvariant() : null;
            if (status == "HEALTHY" && fault is null) continue;
            findings.Add(new Finding("high", $"Warehouse {name} is {status}{(fault is null ? "" : $" (fault '{fault}')")}",
                $"Orders cannot ship from {name} while it is not HEALTHY; they fall back to other warehouses or fail.",
                w.TryGetProperty("last_error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : $"status {status}, last seen {w.GetProperty("last_seen")}",
                $"Start a warehouse-ops run: \"Warehouse {name} is offline. Investigate and bring it back online.\""));
        }

        var log = Array(events.OutputJson(), "events");
        foreach (var group in log.GroupBy(e => e.GetProperty("kind").GetString()).OrderByDescending(g => g.Count()))
        {
            var newest = group.First();
            var (severity, recommendation) = group.Key switch
            {
                "order_failed" => ("high", "Fix the warehouse problem first, then ask the fulfillment agent to retry the failed orders."),
                "shipment_failed" => ("medium", "Check the refusing warehouse's health and stock."),
                "warehouse_offline" => ("high", "Restart the warehouse with the warehouse-ops agent."),
                "drift_found" => ("medium", "Run the inventory agent to reconcile and review the corrected quantities."),
                "fault_injected" => ("low", "Clear the injected fault when the exercise is over."),
                _ => ("low", "Review the events."),
            };
            findings.Add(new Finding(severity, $"{group.Count()} × {group.Key}", newest.GetProperty("message").GetString()!,
                $"latest at {newest.GetProperty("time")}", recommendation));
        }

        var summary = findings.Count == 0
            ? "No warnings or errors in the ops event log and every warehouse is HEALTHY."
            : $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")}: " + string.Join("; ", findings.Take(5).Select(f => f.Title)) + ".";
        var report = JsonSerializer.Serialize(new { success = true, summary, findings });
        return new Finish(null, summary, report);
    }

    private static List<JsonElement> Array(JsonElement output, string property) =>
        output.ValueKind == JsonValueKind.Object && output.TryGetProperty(property, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private sealed record Finding(
        [property: System.Text.Json.Serialization.JsonPropertyName("severity")] string Severity,
        [property: System.Text.Json.Serialization.JsonPropertyName("title")] string Title,
        [property: System.Text.Json.Serialization.JsonPropertyName("description")] string Description,
        [property: System.Text.Json.Serialization.JsonPropertyName("evidence")] string Evidence,
        [property: System.Text.Json.Serialization.JsonPropertyName("recommendation")] string Recommendation);
}
