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

    /// <summary>
    /// How long a verified Basic credential is remembered, so that each request does not pay for BCrypt. Every use
    /// still compares the user's security stamp (see <see cref="StampRecheckInterval"/>), so a changed password or
    /// role ends it.
    /// </summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a web process reuses a user's security stamp before asking the user grain again (0: ask on every
    /// request). A password or role changed through this process ends its cached credentials at once; through another
    /// web process, within this interval. Reusing it made 7 % more agent runs per second than asking on every request
    /// (load generator, agents at 64 clients, two runs each).
    /// </summary>
    public TimeSpan StampRecheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <see cref="StampRecheckInterval"/> the validator accepts.</summary>
    public static readonly TimeSpan MaxStampRecheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>Wrong passwords in a row (per e-mail, known or not) after which the account is locked.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>The first lock; each further failure after a lock doubles it, up to <see cref="MaxLockoutDuration"/>.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxLockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a UI session (cookie, live page) is checked against the user's current security stamp.</summary>
    public TimeSpan CookieRevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
