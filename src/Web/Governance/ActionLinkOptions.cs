
namespace AgentOps.Web.Governance;

/// <summary>Signed approve/reject links. Section <c>AgentOps:ActionLinks</c>.</summary>
public sealed class ActionLinkOptions
{
    public const string Section = "AgentOps:ActionLinks";

    /// <summary>
    /// HMAC-SHA256 key that signs links (at least 32 characters). Without one, the cluster makes a random key once and
    /// keeps it sealed (under AgentOps:Webhooks:SecretKey) in grain storage: links outlive restarts and every web
    /// instance accepts them; changing the SecretKey makes a new link key, and earlier links stop working.
    /// </summary>
    [AgentOps.Hosting.Redact]
    public string? SigningKey { get; set; }

    /// <summary>How long a link stays valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The front door's public address for the links (e.g. https://ops.example.com); the request's own when empty.</summary>
    public string? PublicBaseUrl { get; set; }
}

public sealed class ActionLinkOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ActionLinkOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ActionLinkOptions o)
    {
        var failures = new List<string>();
        if (o.SigningKey is { Length: < 32 }) failures.Add("AgentOps:ActionLinks:SigningKey must have at least 32 characters.");
        if (o.Lifetime <= TimeSpan.Zero || o.Lifetime > TimeSpan.FromDays(30)) failures.Add("AgentOps:ActionLinks:Lifetime must be between 0 and 30 days.");
        if (o.PublicBaseUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            failures.Add("AgentOps:ActionLinks:PublicBaseUrl must be an absolute URL.");
        return failures.Count > 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
