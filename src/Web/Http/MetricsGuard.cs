using System.Net;
using System.Security.Cryptography;
using System.Text;
using AgentOps.Observability;

namespace AgentOps.Web.Http;

/// <summary>
/// In front of the Prometheus endpoint: with <see cref="ObservabilityOptions.MetricsToken"/> set, the scraper must
/// present it as a bearer token; without one, only loopback connections are served. Metrics name grains, tools and
/// volumes, which is nothing to publish.
/// </summary>
public sealed class MetricsGuard(RequestDelegate next, ObservabilityOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (string.IsNullOrEmpty(options.MetricsToken))
        {
            return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
                ? next(context)
                : ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "auth.forbidden",
                    "Metrics are served to this machine only; set AgentOps:Observability:MetricsToken to scrape them from elsewhere.");
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "auth.missing_credentials", "Metrics need Authorization: Bearer <metrics token>.");
        }
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(options.MetricsToken)))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "auth.invalid_token", "The metrics token is wrong.");
        }
        return next(context);
    }
}
