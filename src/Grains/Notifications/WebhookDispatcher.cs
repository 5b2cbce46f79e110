using System.Net.Http.Headers;
using System.Text;
using AgentOps.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Notifications;

/// <summary>
/// Sends the webhook outbox, on every silo that uses PostgreSQL: claims due deliveries (leased, so silos share the work
/// without sending one attempt twice), POSTs each signed body, and records the answer: 2xx delivered; anything else
/// retried with a doubling delay until <see cref="WebhookOptions.MaxAttempts"/>. At least once: a receiver may see a
/// delivery again (after a lost answer or a dead silo) and recognizes it by <c>X-AgentOps-Delivery</c>.
/// </summary>
public sealed class WebhookDispatcher(
    PostgresWebhookStore store, IHttpClientFactory httpClients, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string HttpClientName = "AgentOps.Webhooks";
    public const string DeliveryHeader = "X-AgentOps-Delivery";
    public const string EventHeader = "X-AgentOps-Event";
    public const string SignatureHeader = "X-AgentOps-Signature";

    private const int MaxErrorLength = 500;

    private readonly WebhookOptions _options = options.Value;

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);
    private const int PurgeChunk = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        var nextPurge = TimeProvider.System.GetUtcNow();
        var plainSecretsSealed = false;
        do
        {
            try
            {
                if (!plainSecretsSealed)
                {
                    // Webhooks registered before secrets were sealed (schema 015): sealed once, on the first poll that reaches the database.
                    var count = await store.SealPlainSecretsAsync(stoppingToken);
                    if (count > 0) logger.LogInformation("Sealed the secrets of {Count} webhooks stored in plain text", count);
                    plainSecretsSealed = true;
                }
                if (TimeProvider.System.GetUtcNow() >= nextPurge)
                {
                    nextPurge = TimeProvider.System.GetUtcNow() + PurgeInterval;
                    await PurgeAsync(stoppingToken);
                }
                // A full claim means more may be due: claim again at once instead of waiting a poll interval.
                while (await DispatchOnceAsync(stoppingToken) == _options.BatchSize && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database is away (a restart, a failover): the rows wait, the next poll tries again.
                logger.LogWarning(e, "Webhook dispatch failed; retrying at the next poll");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Removes finished deliveries older than the retention, a chunk at a time (short transactions); how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var before = TimeProvider.System.GetUtcNow() - _options.DeliveryRetention;
        var total = 0;
        int removed;
        do
        {
            removed = await store.PurgeFinishedAsync(before, PurgeChunk, cancellationToken);
            total += removed;
        }
        while (removed == PurgeChunk && !cancellationToken.IsCancellationRequested);
        if (total > 0) logger.LogInformation("Removed {Count} webhook deliveries finished before {Before:u}", total, before);
        return total;
    }

    /// <summary>One claim and its sends; the number of deliveries claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await store.ClaimAsync(_options.BatchSize, _options.Lease, cancellationToken);
        await Task.WhenAll(claimed.Select(d => SendAsync(d, cancellationToken)));
        return claimed.Count;
    }

    private async Task SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        int? statusCode = null;
        string error;
        try
        {
            if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(_options.AllowPlainHttp && url.Scheme == Uri.UriSchemeHttp)))
            {
                // Stored when plain http was allowed and refused since: never sent in the clear, and not retried.
                await RecordFailureAsync(delivery, null, "plain http is not allowed (AgentOps:Webhooks:AllowPlainHttp)", final: true, cancellationToken);
                return;
            }
            if (delivery.Secret is not { } secret)
            {
                // Not final: once the key that sealed it is configured again, a later attempt is signed and sent.
                await RecordFailureAsync(delivery, null, "the webhook's secret cannot be unsealed with AgentOps:Webhooks:SecretKey", final: delivery.Attempt >= _options.MaxAttempts, cancellationToken);
                return;
            }
            var body = Encoding.UTF8.GetBytes(delivery.Format == WebhookFormats.Slack ? WebhookPayloads.Slack(delivery.Payload) : delivery.Payload);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(DeliveryHeader, delivery.Id.ToString());
            request.Headers.Add(EventHeader, delivery.EventType);
            request.Headers.Add(SignatureHeader, WebhookSignature.Sign(secret, body));

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            statusCode = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                if (!await store.MarkDeliveredAsync(delivery, statusCode.Value, cancellationToken))
                    logger.LogWarning("Webhook delivery {DeliveryId} was answered {StatusCode} after its lease ran out; another attempt may follow", delivery.Id, statusCode);
                return;
            }
            error = $"HTTP {statusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {_options.RequestTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException e)
        {
            // A refusal in the connect callback (WebhookAddressGuard) arrives wrapped; its own message says why.
            error = e.InnerException is HttpRequestException inner ? inner.Message : e.Message;
        }
        var final = delivery.Attempt >= _options.MaxAttempts;
        await RecordFailureAsync(delivery, statusCode, error, final, cancellationToken);
    }

    private async Task RecordFailureAsync(DueDelivery delivery, int? statusCode, string error, bool final, CancellationToken cancellationToken)
    {
        if (error.Length > MaxErrorLength) error = error[..MaxErrorLength];
        var retryAfter = WebhookBackoff.Delay(delivery.Attempt, _options.RetryBaseDelay, _options.RetryMaxDelay);
        if (final)
            logger.LogError("Webhook delivery {DeliveryId} ({Event}) to webhook {WebhookId} failed for good after attempt {Attempt}: {Error}",
                delivery.Id, delivery.EventType, delivery.WebhookId, delivery.Attempt, error);
        else
            logger.LogWarning("Webhook delivery {DeliveryId} ({Event}) to webhook {WebhookId} failed (attempt {Attempt}), next in {RetryAfter}: {Error}",
                delivery.Id, delivery.EventType, delivery.WebhookId, delivery.Attempt, retryAfter, error);
        await store.MarkFailedAsync(delivery, statusCode, error, final, retryAfter, cancellationToken);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
