using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using AgentOps.Users;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Auth;

/// <summary>HTTP Basic with the bookstore's users, as the seed's clients send it.</summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, AuthSchemes.Basic, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("malformed");
        }
        var separator = decoded.IndexOf(':');
        // A NUL would reach the user grain's key and a storage query that can never succeed.
        if (separator <= 0 || !AgentOps.Common.StorableText.IsStorable(decoded)) return AuthenticateResult.Fail("malformed");

        var check = await verifier.VerifyAsync(decoded[..separator], decoded[(separator + 1)..]);
        if (check.LockedFor is { } lockedFor)
        {
            return AuthenticateResult.Fail(Locked, new AuthenticationProperties { Items = { [RetryAfterItem] = lockedFor.Ticks.ToString(CultureInfo.InvariantCulture) } });
        }
        return check.User is not { } profile
            ? AuthenticateResult.Fail("invalid")
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(ToIdentity(profile, check.SecurityStamp, Scheme.Name)), Scheme.Name));
    }

    private const string Locked = "locked";
    private const string RetryAfterItem = "agentops.retry_after";

    public static ClaimsIdentity ToIdentity(UserProfile profile, int securityStamp, string scheme)
    {
        var claims = new List<Claim>
        {
            new(AgentOpsClaims.UserId, profile.Id.ToString()),
            new(AgentOpsClaims.Email, profile.Email),
            new(AgentOpsClaims.Role, RoleNames.For(profile.Role)),
            new(AgentOpsClaims.SecurityStamp, securityStamp.ToString(CultureInfo.InvariantCulture)),
        };
        if (profile.Warehouse is { } warehouse) claims.Add(new Claim(AgentOpsClaims.Warehouse, warehouse));
        return new ClaimsIdentity(claims, scheme, AgentOpsClaims.Email, AgentOpsClaims.Role);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Challenge only a request that sent no credentials: on wrong ones a browser would hold the request for its
        // own sign-in dialog, and API clients have nothing to gain from it.
        if (string.IsNullOrEmpty(Request.Headers.Authorization))
        {
            Response.Headers.WWWAuthenticate = "Basic realm=\"bookstore\", charset=\"UTF-8\"";
        }
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure?.Message == Locked && result.Properties?.GetString(RetryAfterItem) is { } ticks)
        {
            await ApiErrors.WriteRateLimitedAsync(Context, TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)), CredentialCheck.LockedMessage);
            return;
        }
        var (code, message) = result.Failure is null
            ? ("auth.missing_credentials", "Sign in with HTTP Basic (email:password).")
            : ("auth.invalid_credentials", "E-mail or password is wrong.");
        await ApiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "auth.forbidden", "Your role may not do this.");
}
