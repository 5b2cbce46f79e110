using System.Text.Json;
using System.Text.RegularExpressions;
using AgentOps.Users;

namespace AgentOps.Agents.Specialists;

/// <summary>Looks after orders: retries failed shipments and cancels/refunds orders (both need approval).</summary>
public sealed partial class FulfillmentAgent : IAgent
{
    public const string AgentType = "fulfillment";

    public string Type => AgentType;

    public string Description => "Investigates orders, retries failed shipments and cancels or refunds orders.";

    public IReadOnlyList<string> Capabilities => ["order", "orders", "retry", "refund", "cancel", "shipment", "shipments", "payment", "reship"];

    public IReadOnlyList<string> ToolNames => ["list_orders", "get_order", "list_warehouses", "retry_order", "cancel_order"];

    // Anyone may ask about their own orders; retry and cancel are for store admins (the tools check).

    public IReadOnlyCollection<UserRole> AllowedRoles => [UserRole.Customer, UserRole.WarehouseStaff, UserRole.StoreAdmin];

    public AgentDecision Plan(AgentContext context)
    {
        var words = AgentRouter.Words(context.Prompt);
        var wantsCancel = words.Overlaps(["cancel", "refund"]);
        var id = OrderIdPattern().Match(context.Prompt);
        if (!id.Success) return PlanFailedOrders(context);
        var orderId = id.Value.ToLowerInvariant();

        if (context.Last("get_order") is not { } lookup)
            return new CallTool($"Looking at order {orderId}.", "get_order", JsonSerializer.Serialize(new { order_id = orderId }));
        if (!lookup.Succeeded) return new Finish(null, $"Order {orderId} could not be read: {lookup.FailureReason()}.");
        var status = lookup.OutputJson().GetProperty("status").GetString();

        var action = wantsCancel ? "cancel_order" : "retry_order";
        if (context.Last(action) is not { } done)
        {
            if (!wantsCancel && status != "FAILED") return new Finish(null, $"Order {orderId} is {status}; only a FAILED order can be retried, so nothing was done.");
            if (wantsCancel && status is "SHIPPED" or "CANCELLED") return new Finish(null, $"Order {orderId} is {status} and cannot be cancelled.");
            var reason = lookup.OutputJson().TryGetProperty("failure_reason", out var r) ? $" It failed because: {r.GetString()}" : "";
            return wantsCancel
                ? new CallTool($"Order {orderId} is {status}; cancelling it and refunding the payment.", "cancel_order",
                    JsonSerializer.Serialize(new { order_id = orderId, reason = "requested by ops" }))
                : new CallTool($"Order {orderId} is FAILED.{reason} Retrying its shipment.", "retry_order", JsonSerializer.Serialize(new { order_id = orderId }));
        }
        if (!done.Succeeded) return new Finish(null, $"Order {orderId} was not {(wantsCancel ? "cancelled" : "retried")}: {done.FailureReason()}.");
        var after = done.OutputJson();
        var where = after.TryGetProperty("warehouse", out var w) ? $" from {w.GetString()}" : "";
        return new Finish(null, $"Order {orderId} {(wantsCancel ? "was cancelled" : "was retried")}: it is now {after.GetProperty("status").GetString()}{where}.");
    }

    private static AgentDecision PlanFailedOrders(AgentContext context)
    {
        if (context.Last("list_orders") is not { } list)
            return new CallTool("No order id given; listing recent FAILED orders.", "list_orders", JsonSerializer.Serialize(new { status = "FAILED", limit = 10 }));
        var orders = list.OutputJson().TryGetProperty("orders", out var o) ? o.EnumerateArray().ToList() : [];
        return orders.Count == 0
            ? new Finish(null, "There are no FAILED orders.")
            : new Finish(null, $"{orders.Count} recent FAILED order{(orders.Count == 1 ? "" : "s")}: " +
                               string.Join("; ", orders.Select(x => $"{x.GetProperty("order_id").GetString()} ({(x.TryGetProperty("failure_reason", out var r) ? r.GetString() : "no reason")})")) +
                               ". Name an order id to retry or cancel it.");
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex OrderIdPattern();
}
