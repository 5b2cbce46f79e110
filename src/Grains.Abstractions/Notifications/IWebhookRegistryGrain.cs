using System.Collections.Immutable;
using AgentOps.Common;

namespace AgentOps.Notifications;

/// <summary>
/// The webhooks of the cluster (key 0). Stateless: every call reads or writes the store, so any silo answers and a
/// change is seen by the next journal append on every silo (the outbox selects the active webhooks in SQL).
/// </summary>
[Alias("AgentOps.IWebhookRegistryGrain")]
public interface IWebhookRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Active webhooks, oldest first; secrets are never returned.</summary>
    [Alias("List"), ReadOnly]
    Task<ImmutableArray<Webhook>> ListAsync();

    [Alias("Get"), ReadOnly]
    Task<Webhook?> GetAsync(Guid id);

    /// <summary>Validates and stores a webhook; the answer holds the secret (given or generated), the only time it is shown.</summary>
    [Alias("Create")]
    Task<WebhookCreated> CreateAsync(WebhookDraft draft, string by);

    /// <summary>Deactivates a webhook: nothing more is enqueued for it and its pending deliveries are given up. Null when done.</summary>
    [Alias("Delete")]
    Task<OperationError?> DeleteAsync(Guid id, string by);

    [Alias("ListDeliveries"), ReadOnly]
    Task<WebhookDeliveriesResult> ListDeliveriesAsync(Guid webhookId, int limit, int offset);
}
