using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

/// <summary>Delivery of webhook notifications (SPEC section 8). Section <c>AgentOps:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "AgentOps:Webhooks";

    /// <summary>How often each silo's dispatcher looks for deliveries that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after a first failed attempt; it doubles with every further failure.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts of one delivery before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Longest one POST may take; a slower receiver counts as a failed attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries one dispatcher claims per poll.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Whether webhook URLs may be plain http. Off by default: the body names who may do what in the store and is
    /// signed, not encrypted. Tests and local receivers turn it on.
    /// </summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>
    /// Whether webhooks may reach loopback, private, link-local (cloud metadata) and other non-public addresses. Off by
    /// default: the URL is an admin's choice but the POST leaves from inside the cluster, next to PostgreSQL and the
    /// silos. Checked when a webhook is registered (an address in the URL) and again on every connection (what its name
    /// resolves to then). Tests and local receivers turn it on.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// The key that seals webhook secrets in PostgreSQL: 32 random bytes, base64 (<c>openssl rand -base64 32</c>). Without
    /// one, a fixed development key is used, which Production refuses. Changing it makes the stored secrets unreadable:
    /// their deliveries fail until the webhooks are registered again.
    /// </summary>
    [Redact]
    public string? SecretKey { get; set; }

    /// <summary>What the development key is derived from (public: it protects nothing outside development).</summary>
    public const string DevelopmentSecretKeySeed = "agentops-development-webhook-secret-key";

    /// <summary>
    /// How long a delivered or failed delivery stays in the log before it is removed (checked hourly on every silo);
    /// pending ones are never removed.
    /// </summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a claimed delivery is held by one dispatcher: past it (the silo died), another one sends it.</summary>
    public TimeSpan Lease => RequestTimeout * 2 + TimeSpan.FromSeconds(5);
}

public sealed class WebhookOptionsValidator(IHostEnvironment environment) : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var failures = new List<string>();
        if (o.SecretKey is { Length: > 0 } key && !IsKey(key))
            failures.Add("AgentOps:Webhooks:SecretKey must be 32 bytes, base64 (openssl rand -base64 32).");
        if (o.SecretKey is not { Length: > 0 } && environment.IsProduction())
            failures.Add("Production refuses the development key for webhook secrets: set AgentOps__Webhooks__SecretKey (openssl rand -base64 32).");
        if (o.PollInterval <= TimeSpan.Zero) failures.Add("AgentOps:Webhooks:PollInterval must be positive.");
        if (o.RetryBaseDelay <= TimeSpan.Zero) failures.Add("AgentOps:Webhooks:RetryBaseDelay must be positive.");
        if (o.RetryMaxDelay < o.RetryBaseDelay) failures.Add("AgentOps:Webhooks:RetryMaxDelay must be at least RetryBaseDelay.");
        if (o.MaxAttempts is < 1 or > 100) failures.Add("AgentOps:Webhooks:MaxAttempts must be between 1 and 100.");
        if (o.RequestTimeout <= TimeSpan.Zero || o.RequestTimeout > TimeSpan.FromMinutes(5))
            failures.Add("AgentOps:Webhooks:RequestTimeout must be positive and at most 5 minutes.");
        if (o.DeliveryRetention < TimeSpan.FromHours(1)) failures.Add("AgentOps:Webhooks:DeliveryRetention must be at least 1 hour.");
        if (o.BatchSize is < 1 or > 500) failures.Add("AgentOps:Webhooks:BatchSize must be between 1 and 500.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsKey(string base64)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length == 32;
    }
}
