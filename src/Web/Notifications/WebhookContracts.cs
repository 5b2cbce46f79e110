using AgentOps.Notifications;

namespace AgentOps.Web.Notifications;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? Events, string? Format, string? Secret);

public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, string Format, bool Active, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static WebhookResponse From(Webhook w) => new(w.Id, w.Url, w.Events, w.Format, w.Active, w.CreatedBy, w.CreatedAt);
}

/// <summary>The answer to a create: the webhook and its signing secret, which is never shown again.</summary>
public sealed record CreatedWebhookResponse(
    Guid Id, string Url, IReadOnlyList<string> Events, string Format, bool Active, string CreatedBy, DateTimeOffset CreatedAt, string Secret);

public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Webhooks);

public sealed record DeliveryResponse(
    Guid Id, Guid WebhookId, Guid EventId, string Event, string Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt)
{
    public static DeliveryResponse From(WebhookDelivery d) => new(d.Id, d.WebhookId, d.EventId, d.EventType, d.Status, d.Attempts,
        d.LastStatusCode, d.LastError, d.CreatedAt, d.Status == DeliveryStatuses.Pending ? d.NextAttemptAt : null, d.DeliveredAt);
}

public sealed record DeliveryListResponse(IReadOnlyList<DeliveryResponse> Deliveries, int Total, int Limit, int Offset);
