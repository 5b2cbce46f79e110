using System.Collections.Immutable;
using AgentOps.Common;
using AgentOps.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AgentOps.Notifications;

/// <summary>
/// The webhook registry: holds no state, so it runs wherever it is called (every change is in the store at once, and
/// the outbox reads the active webhooks in the journal's transaction). Secrets go in and, once, out of
/// <see cref="CreateAsync"/>; nothing else returns them.
/// </summary>
[StatelessWorker]
public sealed class WebhookRegistryGrain(IWebhookStore store, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookRegistryGrain> logger)
    : Grain, IWebhookRegistryGrain
{
    public const int MaxDeliveriesPageSize = 200;

    public async Task<ImmutableArray<Webhook>> ListAsync() => [.. await store.ListAsync()];

    public Task<Webhook?> GetAsync(Guid id) => store.GetAsync(id);

    public async Task<WebhookCreated> CreateAsync(WebhookDraft draft, string by)
    {
        draft = WebhookValidation.Normalize(draft);
        if (WebhookValidation.Check(draft, options.Value.AllowPlainHttp, options.Value.AllowPrivateNetworks) is { } invalid) return new WebhookCreated(null, null, invalid);
        var secret = draft.Secret ?? WebhookSignature.NewSecret();
        var webhook = new Webhook(Guid.NewGuid(), draft.Url!, WebhookValidation.Ordered(draft.Events), draft.Format!, true, by, clock.GetUtcNow());
        await store.CreateAsync(webhook, secret);
        logger.LogInformation("Webhook {WebhookId} for {Events} created by {By}", webhook.Id, string.Join(",", webhook.Events), by);
        return new WebhookCreated(webhook, secret, null);
    }

    public async Task<OperationError?> DeleteAsync(Guid id, string by)
    {
        if (!await store.DeactivateAsync(id)) return Errors.NotFound($"Webhook {id} does not exist.");
        logger.LogInformation("Webhook {WebhookId} removed by {By}", id, by);
        return null;
    }

    public async Task<WebhookDeliveriesResult> ListDeliveriesAsync(Guid webhookId, int limit, int offset)
    {
        if (limit is < 1 or > MaxDeliveriesPageSize || offset < 0)
            return new WebhookDeliveriesResult(null, Errors.Validation("invalid_limit", $"limit must be between 1 and {MaxDeliveriesPageSize}, offset not negative."));
        if (await store.GetAsync(webhookId) is null) return new WebhookDeliveriesResult(null, Errors.NotFound($"Webhook {webhookId} does not exist."));
        return new WebhookDeliveriesResult(await store.ListDeliveriesAsync(webhookId, limit, offset), null);
    }
}
