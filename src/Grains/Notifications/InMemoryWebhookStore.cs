using System.Collections.Concurrent;

namespace AgentOps.Notifications;

/// <summary>
/// Webhooks in process memory, for grain-logic tests; shared by the silos of one service in a process. Nothing is
/// delivered: the outbox is part of the PostgreSQL journal, so the delivery log stays empty.
/// </summary>
public sealed class InMemoryWebhookStore(string serviceId) : IWebhookStore
{
    private static readonly ConcurrentDictionary<string, Dictionary<Guid, Webhook>> ByService = new();

    private readonly Dictionary<Guid, Webhook> _webhooks = ByService.GetOrAdd(serviceId, _ => []);

    public Task<IReadOnlyList<Webhook>> ListAsync(bool includeInactive = false)
    {
        lock (_webhooks)
        {
            return Task.FromResult<IReadOnlyList<Webhook>>([.. _webhooks.Values.Where(w => includeInactive || w.Active).OrderBy(w => w.CreatedAt)]);
        }
    }

    public Task<Webhook?> GetAsync(Guid id)
    {
        lock (_webhooks) return Task.FromResult(_webhooks.GetValueOrDefault(id));
    }

    public Task CreateAsync(Webhook webhook, string secret)
    {
        lock (_webhooks) _webhooks.Add(webhook.Id, webhook);
        return Task.CompletedTask;
    }

    public Task<bool> DeactivateAsync(Guid id)
    {
        lock (_webhooks)
        {
            if (_webhooks.GetValueOrDefault(id) is not { Active: true } webhook) return Task.FromResult(false);
            _webhooks[id] = webhook with { Active = false };
            return Task.FromResult(true);
        }
    }

    public Task<DeliveryPage> ListDeliveriesAsync(Guid webhookId, int limit, int offset) => Task.FromResult(new DeliveryPage([], 0));
}
