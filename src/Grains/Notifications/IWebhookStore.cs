namespace AgentOps.Notifications;

/// <summary>Where webhooks and their delivery log live: PostgreSQL in every real deployment, memory in grain-logic tests.</summary>
public interface IWebhookStore
{
    /// <summary>Webhooks oldest first; the deactivated ones only when asked.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(bool includeInactive = false);

    Task<Webhook?> GetAsync(Guid id);

    Task CreateAsync(Webhook webhook, string secret);

    /// <summary>Deactivates the webhook and gives up its pending deliveries; false when it is unknown or already inactive.</summary>
    Task<bool> DeactivateAsync(Guid id);

    /// <summary>A page of the webhook's deliveries, newest first, with the total.</summary>
    Task<DeliveryPage> ListDeliveriesAsync(Guid webhookId, int limit, int offset);
}
