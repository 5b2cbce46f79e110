using System.Security.Claims;
using AgentOps.Notifications;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOps.Web.Notifications;

/// <summary>The /agents/webhooks rows of the front door (SPEC section 8): register, list, remove, and the delivery log. STORE_ADMIN.</summary>
public static class WebhooksApi
{
    private const int DefaultDeliveriesPageSize = 50;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/agents/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.StoreAdmin);
        webhooks.MapGet("", ListAsync).WithName("ListWebhooks").WithSummary("Active webhooks, oldest first; secrets are never listed.");
        webhooks.MapPost("", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Registers a webhook for approval.requested, approval.escalated, approval.decided and/or run.failed; the answer holds the signing secret, shown once.");
        webhooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Removes a webhook: nothing more is sent to it.");
        webhooks.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("The webhook's deliveries, newest first, a page at a time with the total.");
        return routes;
    }

    private static async Task<Ok<WebhookListResponse>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(new WebhookListResponse([.. (await Registry(grains).ListAsync()).Select(WebhookResponse.From)]));

    private static async Task<Results<Created<CreatedWebhookResponse>, ApiErrorResult>> CreateAsync(CreateWebhookRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body.Events is { } events && events.Any(e => e is null))
            return ApiErrors.Validation("invalid_event", "events must be strings.", new Dictionary<string, string> { ["field"] = "events" });
        var draft = new WebhookDraft(body.Url, body.Events is null ? [] : [.. body.Events!], body.Format, body.Secret);
        var created = await Registry(grains).CreateAsync(draft, Who(user));
        if (created.Error is { } error) return ApiErrors.From(error);
        var w = created.Webhook!;
        return TypedResults.Created($"/agents/webhooks/{w.Id}",
            new CreatedWebhookResponse(w.Id, w.Url, w.Events, w.Format, w.Active, w.CreatedBy, w.CreatedAt, created.Secret!));
    }

    private static async Task<Results<NoContent, ApiErrorResult>> DeleteAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Paging.ParseId(id, "webhook id", out var webhookId) is { } invalid) return invalid;
        if (await Registry(grains).DeleteAsync(webhookId, Who(user)) is { } error) return ApiErrors.From(error);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveryListResponse>, ApiErrorResult>> DeliveriesAsync(string id, IGrainFactory grains, int? limit, int? offset)
    {
        if (Paging.ParseId(id, "webhook id", out var webhookId) is { } invalid) return invalid;
        if (Paging.Check(limit ?? DefaultDeliveriesPageSize, offset, WebhookRegistryGrain.MaxDeliveriesPageSize, out var take, out var skip) is { } badPage) return badPage;
        var result = await Registry(grains).ListDeliveriesAsync(webhookId, take, skip);
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Ok(new DeliveryListResponse([.. result.Page!.Deliveries.Select(DeliveryResponse.From)], result.Page.Total, take, skip));
    }

    private static IWebhookRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IWebhookRegistryGrain>(0);

    private static string Who(ClaimsPrincipal user) => user.FindFirstValue(AgentOpsClaims.Email) ?? user.Id().ToString();
}
