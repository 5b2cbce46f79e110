using System.Globalization;
using System.Security.Claims;
using AgentOps.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Auth;

/// <summary>
/// UI sessions (the sign-in cookie, and a live page's circuit) carry the user's security stamp from sign-in and are
/// checked against the current one every <see cref="SecurityOptions.CookieRevalidationInterval"/>: after a password
/// or role change the session ends and the user signs in again, instead of keeping the old rights for 8 hours.
/// </summary>
public static class SessionRevalidation
{
    private const string CheckedAt = "agentops.stamp_checked";

    /// <summary>Whether the principal's stamp is the user's current one (false for a deleted user or a cookie without a stamp).</summary>
    public static async Task<bool> IsCurrentAsync(ClaimsPrincipal user, CredentialVerifier verifier)
    {
        if (user.FindFirstValue(AgentOpsClaims.Email) is not { } email || user.FindFirstValue(AgentOpsClaims.SecurityStamp) is not { } stamp) return false;
        return (await verifier.CurrentStampAsync(email))?.ToString(CultureInfo.InvariantCulture) == stamp;
    }

    /// <summary>For <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var interval = services.GetRequiredService<IOptions<SecurityOptions>>().Value.CookieRevalidationInterval;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (long.TryParse(context.Properties.GetString(CheckedAt), CultureInfo.InvariantCulture, out var ticks) && now - new DateTimeOffset(ticks, TimeSpan.Zero) < interval) return;

        if (context.Principal is null || !await IsCurrentAsync(context.Principal, services.GetRequiredService<CredentialVerifier>()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
            return;
        }
        context.Properties.SetString(CheckedAt, now.UtcTicks.ToString(CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }
}

/// <summary>The same check for a live page: a circuit outlives the request that opened it.</summary>
public sealed class RevalidatingAuthenticationStateProvider(ILoggerFactory loggers, CredentialVerifier verifier, IOptions<SecurityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.Value.CookieRevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated == true
            ? SessionRevalidation.IsCurrentAsync(authenticationState.User, verifier)
            : Task.FromResult(true);
}
