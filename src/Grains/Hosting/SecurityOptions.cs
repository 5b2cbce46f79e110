namespace AgentOps.Hosting;

/// <summary>Secrets and authentication costs. Section <c>AgentOps:Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "AgentOps:Security";

    /// <summary>The token development uses; production refuses to start with it.</summary>
    public const string DevelopmentServiceToken = "dev-service-token";

    /// <summary>Bearer token for service endpoints (warehouse registration, shipments, health).</summary>
    [Redact]
    public string ServiceToken { get; set; } = DevelopmentServiceToken;

    /// <summary>BCrypt work factor for stored passwords.</summary>
    public int BcryptWorkFactor { get; set; } = 10;

    /// <summary>How long a verified Basic credential is remembered, so that each request does not pay for BCrypt.</summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(60);
}
