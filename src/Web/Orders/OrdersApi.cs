using System.Collections.Immutable;
using System.Security.Claims;
using AgentOps.Common;
using AgentOps.Orders;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using AgentOps.Users;

namespace AgentOps.Web.Orders;

public static class OrdersApi
{
    public const int MaxIdempotencyKeyLength = 200;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/store/orders").WithTags("Orders").RequireAuthorization(Policies.User);
        orders.MapPost("/", PlaceAsync).WithName("PlaceOrder")
            .WithSummary("Places an order and ships it from one warehouse; honours Idempotency-Key.");
        orders.MapGet("/", ListAsync).WithName("ListOrders").WithSummary("Your orders, newest first (STORE_ADMIN: everyone's).");
        orders.MapGet("/{id}", GetAsync).WithName("GetOrder").WithSummary("One order; another customer's order is 403.");
        return routes;
    }

    private static async Task<Results<Created<OrderResponse>, ApiErrorResult>> PlaceAsync(
        CreateOrderRequest body, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        if (body.Items is null) return ApiErrors.Validation("missing_field", "items is required.", new Dictionary<string, string> { ["field"] = "items" });
        var items = ImmutableArray.CreateBuilder<OrderItem>(body.Items.Count);
        for (var i = 0; i < body.Items.Count; i++)
        {
            var item = body.Items[i];
            if (item?.BookId is not { } bookId) return ApiErrors.Validation("missing_field", $"items[{i}].bookId is required.", new Dictionary<string, string> { ["field"] = $"items[{i}].bookId" });
            if (item.Quantity is not { } quantity) return ApiErrors.Validation("missing_field", $"items[{i}].quantity is required.", new Dictionary<string, string> { ["field"] = $"items[{i}].quantity" });
            items.Add(new OrderItem(bookId, quantity));
        }
        PaymentRequest? payment = null;
        if (body.Payment is { } p)
        {
            if (string.IsNullOrWhiteSpace(p.Method) || p.Amount is null)
                return ApiErrors.Validation("missing_field", "payment needs method and amount.", new Dictionary<string, string> { ["field"] = "payment" });
            payment = new PaymentRequest(p.Method, p.Amount.Value);
        }
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
            return ApiErrors.Validation("invalid_idempotency_key", $"Idempotency-Key must have 1 to {MaxIdempotencyKeyLength} characters.");

        var userId = user.Id();
        var orderId = idempotencyKey is null ? TimeOrderedIds.New() : OrderRules.IdFor(userId, idempotencyKey);
        var result = await grains.GetGrain<IOrderGrain>(orderId).PlaceAsync(new PlaceOrder(userId, items.ToImmutable(), payment, idempotencyKey));
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Created($"/store/orders/{orderId}", OrderResponse.From(result.Order!));
    }

    private static async Task<Results<Ok<List<OrderResponse>>, ApiErrorResult>> ListAsync(
        ClaimsPrincipal user, IGrainFactory grains, IOptions<ApiOptions> api, string? status, int? limit, int? offset)
    {
        if (Paging.Check(limit, offset, api.Value.MaxPageSize, out var take, out var skip) is { } invalid) return invalid;
        OrderStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                return ApiErrors.Validation("invalid_status", "status must be PENDING, SHIPPED, FAILED or CANCELLED.");
            wanted = parsed;
        }

        var references = await grains.GetGrain<IOrderDirectoryGrain>(0)
            .ListAsync(new OrderQuery(AccessRules.MayListAllOrders(user.ToRequester()) ? null : user.Id(), wanted, take, skip));
        // The order grains are the truth (the table's status can trail by a moment): read them, keep the filter exact.
        var orders = await Task.WhenAll(references.Select(r => grains.GetGrain<IOrderGrain>(r.OrderId).GetAsync()));
        return TypedResults.Ok(orders.OfType<OrderSnapshot>().Where(o => wanted is not { } s || o.Status == s).Select(OrderResponse.From).ToList());
    }

    private static async Task<Results<Ok<OrderResponse>, ApiErrorResult>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(id, "order id", out var orderId) is { } invalid) return invalid;
        var order = await grains.GetGrain<IOrderGrain>(orderId).GetAsync();
        if (order is null) return ApiErrors.NotFound($"Order {orderId} does not exist.");
        if (!AccessRules.MayReadOrder(user.ToRequester(), order.UserId)) return ApiErrors.Forbidden("This order belongs to another customer.");
        return TypedResults.Ok(OrderResponse.From(order));
    }
}
