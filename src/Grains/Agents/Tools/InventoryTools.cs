using AgentOps.Inventory;
using AgentOps.OpsEvents;

namespace AgentOps.Agents.Tools;

public sealed class GetBookInventoryTool : AgentTool
{
    public override string Name => "get_book_inventory";
    public override bool MayUse(Users.Requester? requester, System.Text.Json.JsonElement args) => true;
    public override string Description => "Shows the store's cached stock of one book in every warehouse, with last_synced.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"book_id":{"type":"string","format":"uuid"}},"required":["book_id"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var id = Id(call.Args, "book_id");
        var inventory = await call.Grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(id)).GetAsync(id);
        return ToolOutcome.Ok(new
        {
            book_id = id,
            total = inventory.Warehouses.Sum(w => (long)w.Quantity),
            warehouses = inventory.Warehouses.Select(w => new { warehouse = w.Warehouse, quantity = w.Quantity, last_synced = w.LastSynced }),
        });
    }
}

public sealed class ReconcileInventoryTool : AgentTool
{
    public override string Name => "reconcile_inventory";
    public override string Description => "Reads every HEALTHY warehouse's real stock, corrects the store's cache and reports the drift found.";
    protected override string SchemaJson => """{"type":"object","properties":{},"additionalProperties":false}""";

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var report = await call.Grains.GetGrain<IReconciliationGrain>(0).RunAsync(call.Actor);
        return ToolOutcome.Ok(new
        {
            warehouses = report.Warehouses, skipped = report.Skipped, lines_checked = report.LinesChecked,
            drifts = report.Drifts.Select(d => new { book_id = d.BookId, warehouse = d.Warehouse, cached = d.Cached, actual = d.Actual }),
        });
    }
}

public sealed class QueryOpsEventsTool : AgentTool
{
    public override string Name => "query_ops_events";
    public override string Description => "Queries the ops event log (warehouse offline, shipment failed, drift found, order failed), newest first.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"min_severity":{"type":"string","enum":["info","warning","error","critical"]},
         "kind":{"type":"string","maxLength":64},"warehouse":{"type":"string","maxLength":64},
         "since_minutes":{"type":"integer","minimum":1,"maximum":100000},"limit":{"type":"integer","minimum":1,"maximum":200}},
         "additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var limit = OptionalInt(call.Args, "limit") ?? 20;
        var warehouse = OptionalText(call.Args, "warehouse")?.Trim().ToLowerInvariant();
        var query = new OpsEventQuery(
            Since: OptionalInt(call.Args, "since_minutes") is { } minutes ? DateTimeOffset.UtcNow.AddMinutes(-minutes) : null,
            MinSeverity: OptionalText(call.Args, "min_severity") is { } s ? Enum.Parse<OpsSeverity>(s, ignoreCase: true) : null,
            Kind: OptionalText(call.Args, "kind"),
            Limit: warehouse is null ? limit : 500);
        var events = await call.Grains.GetGrain<IOpsEventLogGrain>(0).QueryAsync(query);
        var matching = events
            .Where(e => warehouse is null || (e.Details.TryGetValue("warehouse", out var w) && w == warehouse))
            .Take(limit)
            .Select(e => new { time = e.Time, source = e.Source, severity = e.Severity, kind = e.Kind, message = e.Message, details = e.Details });
        return ToolOutcome.Ok(new { events = matching });
    }
}
