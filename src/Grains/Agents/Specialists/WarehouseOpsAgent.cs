using System.Text.Json;
using AgentOps.Users;

namespace AgentOps.Agents.Specialists;

/// <summary>Investigates unhealthy warehouses and brings them back online (restart needs approval).</summary>
public sealed class WarehouseOpsAgent : IAgent
{
    public const string AgentType = "warehouse-ops";

    public string Type => AgentType;

    public string Description => "Diagnoses warehouses that are offline, slow or unhealthy and brings them back online.";

    public IReadOnlyList<string> Capabilities =>
        ["warehouse", "warehouses", "offline", "online", "restart", "down", "health", "healthy", "unhealthy", "slow", "unreachable"];

    public IReadOnlyList<string> ToolNames => ["list_warehouses", "get_warehouse", "get_warehouse_stock", "query_ops_events", "restart_warehouse"];

    // Warehouse health, URLs and faults are store-admin matters over HTTP too.

    public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.StoreAdmin];

    public AgentDecision Plan(AgentContext context)
    {
        if (context.Last("list_warehouses") is not { } survey)
            return new CallTool("First, which warehouses exist and how healthy are they?", "list_warehouses", "{}");
        if (!survey.Succeeded) return new Finish(null, $"Could not list the warehouses: {survey.FailureReason()}.");

        var firstSurvey = context.All("list_warehouses").First().OutputJson().GetProperty("warehouses").EnumerateArray().ToList();
        var names = firstSurvey.Select(w => w.GetProperty("name").GetString()!).ToList();
        var mentioned = AgentRouter.Words(context.Prompt).Intersect(names).ToList();
        var broken = firstSurvey.Where(NeedsRepair).Select(w => w.GetProperty("name").GetString()!).ToList();
        var targets = mentioned.Count > 0 ? mentioned.Where(broken.Contains).ToList() : broken;

        if (targets.Count == 0)
        {
            var which = mentioned.Count > 0 ? string.Join(", ", mentioned) : "Every warehouse";
            return new Finish(null, $"{which} {(mentioned.Count == 1 ? "is" : "are")} HEALTHY with no fault; nothing to repair.");
        }

        if (context.Last("query_ops_events") is null)
            return new CallTool($"{string.Join(", ", targets)} need{(targets.Count == 1 ? "s" : "")} attention; checking recent ops events for evidence.",
                "query_ops_events", JsonSerializer.Serialize(new { warehouse = targets[0], limit = 10 }));

        foreach (var target in targets)
        {
            if (context.All("restart_warehouse").Any(s => TargetOf(s) == target)) continue;
            var row = firstSurvey.First(w => w.GetProperty("name").GetString() == target);
            return new CallTool($"Warehouse {target} is {Describe(row)}. Restarting it should bring it back online.",
                "restart_warehouse", JsonSerializer.Serialize(new { name = target }));
        }

        var restarts = context.All("restart_warehouse").ToList();
        var lastRestart = context.Steps.Select((s, i) => (s, i)).Last(x => x.s.ToolName == "restart_warehouse").i;
        var verified = context.Steps.Skip(lastRestart + 1).Any(s => s.ToolName == "list_warehouses");
        if (restarts.Any(r => r.Succeeded) && !verified)
            return new CallTool("Checking that the restarted warehouses are healthy now.", "list_warehouses", "{}");

        var finalSurvey = context.Last("list_warehouses")!.OutputJson().GetProperty("warehouses").EnumerateArray()
            .ToDictionary(w => w.GetProperty("name").GetString()!, w => w);
        var lines = targets.Select(target =>
        {
            var restart = restarts.Last(r => TargetOf(r) == target);
            if (!restart.Succeeded) return $"Warehouse {target} was not restarted ({restart.FailureReason()}); it is still {Describe(firstSurvey.First(w => w.GetProperty("name").GetString() == target))}.";
            return finalSurvey.TryGetValue(target, out var now) && !NeedsRepair(now)
                ? $"Warehouse {target} is back online: HEALTHY, last seen {now.GetProperty("last_seen")}."
                : $"Warehouse {target} was restarted but is still {(finalSurvey.TryGetValue(target, out var still) ? Describe(still) : "unknown")}.";
        });
        return new Finish(null, string.Join(" ", lines));
    }

    private static bool NeedsRepair(JsonElement warehouse) =>
        warehouse.GetProperty("status").GetString() != "HEALTHY"
        || (warehouse.TryGetProperty("fault", out var fault) && fault.ValueKind == JsonValueKind.Object);

    private static string Describe(JsonElement warehouse)
    {
        var status = warehouse.GetProperty("status").GetString();
        var fault = warehouse.TryGetProperty("fault", out var f) && f.ValueKind == JsonValueKind.Object
            ? $" with fault '{f.GetProperty("kind").GetString()?.ToLowerInvariant()}'" : "";
        var error = warehouse.TryGetProperty("last_error", out var e) && e.ValueKind == JsonValueKind.String ? $" (last error: {e.GetString()})" : "";
        return $"{status}{fault}{error}";
    }

    private static string? TargetOf(ToolStep step) =>
        step.ArgsJson().TryGetProperty("name", out var n) ? n.GetString()?.Trim().ToLowerInvariant() : null;
}
