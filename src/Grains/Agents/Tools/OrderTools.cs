using System.Text.Json;
using AgentOps.Orders;
using AgentOps.Users;

namespace AgentOps.Agents.Tools;

public sealed class ListOrdersTool : AgentTool
{
    public override string Name => "list_orders";
    public override bool MayUse(Requester? requester, JsonElement args) => AccessRules.IsSignedIn(requester);
    public override string Description => "Lists the most recent orders, newest first, optionally only those with one status.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"status":{"type":"string","enum":["PENDING","SHIPPED","FAILED","CANCELLED"]},
         "limit":{"type":"integer","minimum":1,"maximum":100}},"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var limit = OptionalInt(call.Args, "limit") ?? 20;
        OrderStatus? status = OptionalText(call.Args, "status") is { } s ? Enum.Parse<OrderStatus>(s, ignoreCase: true) : null;
        // Like GET /store/orders: a store admin sees every order, anyone else their own.
        var owner = AccessRules.MayListAllOrders(call.Requester) ? (Guid?)null : call.Requester!.Id;
        var references = await call.Grains.GetGrain<IOrderDirectoryGrain>(0).ListAsync(new OrderQuery(owner, status, limit, 0));
        var orders = await Task.WhenAll(references.Select(r => call.Grains.GetGrain<IOrderGrain>(r.OrderId).GetAsync()));
        return ToolOutcome.Ok(new { orders = orders.OfType<OrderSnapshot>().Select(OrderView.Of) });
    }
}

public sealed class GetOrderTool : AgentTool
{
    public override string Name => "get_order";
    public override bool MayUse(Requester? requester, JsonElement args) => AccessRules.IsSignedIn(requester);
    public override string Description => "Shows one order: status, lines, total, payment, warehouse, warehouses tried and failure reason.";
    protected override string SchemaJson => """
        {"type":"object","properties":{"order_id":{"type":"string","format":"uuid"}},"required":["order_id"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var id = Id(call.Args, "order_id");
        var order = await call.Grains.GetGrain<IOrderGrain>(id).GetAsync();
        if (order is null) return ToolOutcome.Fail($"Order {id} does not exist.");
        return AccessRules.MayReadOrder(call.Requester, order.UserId) ? ToolOutcome.Ok(OrderView.Of(order)) : Forbidden($"read order {id}");
    }
}

public sealed class RetryOrderTool : AgentTool
{
    public override string Name => "retry_order";
    public override string Description => "Tries a FAILED order's shipment again (captures its payment again). Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"order_id":{"type":"string","format":"uuid"}},"required":["order_id"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var result = await call.Grains.GetGrain<IOrderGrain>(Id(call.Args, "order_id")).RetryAsync(call.Actor, call.CallId);
        return result.Error is { } error ? ToolOutcome.From(error) : ToolOutcome.Ok(OrderView.Of(result.Order!));
    }
}

public sealed class CancelOrderTool : AgentTool
{
    public override string Name => "cancel_order";
    public override string Description => "Cancels an order that has not shipped and refunds its payment. Dangerous: needs approval.";
    public override RiskClass Risk => RiskClass.Dangerous;
    protected override string SchemaJson => """
        {"type":"object","properties":{"order_id":{"type":"string","format":"uuid"},"reason":{"type":"string","maxLength":500}},
         "required":["order_id"],"additionalProperties":false}
        """;

    public override async Task<ToolOutcome> ExecuteAsync(ToolInvocation call, CancellationToken cancellationToken)
    {
        var reason = OptionalText(call.Args, "reason") ?? "cancelled by an ops agent";
        var result = await call.Grains.GetGrain<IOrderGrain>(Id(call.Args, "order_id")).CancelAsync(reason, call.Actor, call.CallId);
        return result.Error is { } error ? ToolOutcome.From(error) : ToolOutcome.Ok(OrderView.Of(result.Order!));
    }
}

internal static class OrderView
{
    public static object Of(OrderSnapshot o) => new
    {
        order_id = o.Id, user_id = o.UserId, status = o.Status, total = o.Total, warehouse = o.Warehouse,
        attempted_warehouses = o.AttemptedWarehouses, failure_reason = o.FailureReason,
        payment = o.Payment is { } p ? new { method = p.Method, amount = p.Amount, status = p.Status } : null,
        items = o.Lines.Select(l => new { book_id = l.BookId, title = l.Title, quantity = l.Quantity }),
        created_at = o.CreatedAt, updated_at = o.UpdatedAt,
    };
}
