using System.Collections.Immutable;

namespace AgentOps.Notifications;

/// <summary>The events a webhook can subscribe to (the <c>X-AgentOps-Event</c> header and the payload's <c>event</c>).</summary>
public static class WebhookEvents
{
    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalEscalated = "approval.escalated";
    public const string ApprovalDecided = "approval.decided";
    public const string RunFailed = "run.failed";

    public static readonly ImmutableArray<string> All = [ApprovalRequested, ApprovalEscalated, ApprovalDecided, RunFailed];
}

/// <summary>The bodies a webhook can be sent: the event as JSON, or a Slack incoming-webhook message.</summary>
public static class WebhookFormats
{
    public const string Json = "json";
    public const string Slack = "slack";
}

/// <summary>Where a delivery is: waiting for its (next) attempt, answered 2xx, or given up after the last attempt.</summary>
public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
