using System.Collections.Immutable;

namespace AgentOps.Notifications;

/// <summary>
/// One event for one webhook. <paramref name="Id"/> is the same for every attempt (the <c>X-AgentOps-Delivery</c>
/// header), so a receiver can drop a repeat; <paramref name="EventId"/> is the journal event's id.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.WebhookDelivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid WebhookId,
    [property: Id(2)] Guid EventId,
    [property: Id(3)] string EventType,
    [property: Id(4)] string Status,
    [property: Id(5)] int Attempts,
    [property: Id(6)] int? LastStatusCode,
    [property: Id(7)] string? LastError,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset NextAttemptAt,
    [property: Id(10)] DateTimeOffset? DeliveredAt);

[GenerateSerializer, Immutable, Alias("AgentOps.DeliveryPage")]
public sealed record DeliveryPage(
    [property: Id(0)] ImmutableArray<WebhookDelivery> Deliveries,
    [property: Id(1)] int Total);
