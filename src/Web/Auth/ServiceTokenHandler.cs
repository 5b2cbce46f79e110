using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using AgentOps.Hosting;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentOps.Web.Auth;

/// <summary><c>Authorization: Bearer &lt;service token&gt;</c> for service-to-service endpoints.</summary>
public sealed class ServiceTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<SecurityOptions> security) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var given = Encoding.UTF8.GetBytes(header.Parameter ?? "");
        var expected = Encoding.UTF8.GetBytes(security.Value.ServiceToken);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid token"));
        }
        var identity = new ClaimsIdentity([new Claim(AgentOpsClaims.Role, "SERVICE")], Scheme.Name, AgentOpsClaims.Email, AgentOpsClaims.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync();
        var (code, message) = result.Failure is null
            ? ("auth.missing_credentials", "This endpoint needs Authorization: Bearer <service token>.")
            : ("auth.invalid_token", "The service token is wrong.");
        await ApiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "auth.forbidden", "This endpoint is for services.");
}
