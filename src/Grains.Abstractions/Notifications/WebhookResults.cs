using AgentOps.Common;

namespace AgentOps.Notifications;

/// <summary>
/// A created webhook with its signing secret, which is shown this once (it is never listed again), or why the draft
/// was refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.WebhookCreated")]
public sealed record WebhookCreated(
    [property: Id(0)] Webhook? Webhook,
    [property: Id(1)] string? Secret,
    [property: Id(2)] OperationError? Error);

/// <summary>A page of a webhook's deliveries (newest first) with the total, or why there is none (unknown webhook).</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.WebhookDeliveriesResult")]
public sealed record WebhookDeliveriesResult(
    [property: Id(0)] DeliveryPage? Page,
    [property: Id(1)] OperationError? Error);
