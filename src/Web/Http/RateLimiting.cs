using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Http;

/// <summary>
/// Per-client-address limits on the endpoints that check passwords or create accounts. Section
/// <c>AgentOps:RateLimits</c>. Each limit is a token bucket: <c>PermitLimit</c> requests at once, refilled evenly
/// over <c>Window</c>. Behind a reverse proxy every client has the proxy's address unless forwarded headers are
/// configured, so the limits then apply to all clients together.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "AgentOps:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Sign-in attempts (<c>/store/auth/login</c> and the UI's <c>/account/login</c> together) per address.</summary>
    public int LoginPermitLimit { get; set; } = 20;

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Registrations per address; generous enough for the load generator's one customer per worker.</summary>
    public int RegisterPermitLimit { get; set; } = 100;

    public TimeSpan RegisterWindow { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions o) =>
        o.LoginPermitLimit < 1 || o.RegisterPermitLimit < 1 ? ValidateOptionsResult.Fail("AgentOps:RateLimits:*PermitLimit must be at least 1.")
        : o.LoginWindow <= TimeSpan.Zero || o.RegisterWindow <= TimeSpan.Zero ? ValidateOptionsResult.Fail("AgentOps:RateLimits:*Window must be positive.")
        : ValidateOptionsResult.Success;
}

/// <summary>ASP.NET Core's rate limiter with the front door's policies; a refusal is the shared error body, 429 with Retry-After.</summary>
public static class RateLimiting
{
    public const string SignIn = "sign-in";
    public const string Register = "register";

    public static IServiceCollection AddAgentOpsRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return new ValueTask(ApiErrors.WriteRateLimitedAsync(context.HttpContext, retryAfter,
                    "Too many requests from your address; retry after the time in Retry-After."));
            };
            limiter.AddPolicy(SignIn, context => PerAddress(context, SignIn, o => (o.LoginPermitLimit, o.LoginWindow)));
            limiter.AddPolicy(Register, context => PerAddress(context, Register, o => (o.RegisterPermitLimit, o.RegisterWindow)));
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, string policy, Func<RateLimitOptions, (int Permits, TimeSpan Window)> limit)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!options.Enabled) return RateLimitPartition.GetNoLimiter($"{policy}:{address}");
        var (permits, window) = limit(options);
        return RateLimitPartition.GetTokenBucketLimiter($"{policy}:{address}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, window.Ticks / permits)),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
