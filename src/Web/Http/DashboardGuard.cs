using AgentOps.Observability;
using Orleans.Runtime;

namespace AgentOps.Web.Http;

/// <summary>
/// The Orleans Dashboard's per-silo routes parse a silo address from the path and throw on anything else (a 500).
/// This checks the address first and answers 400 <c>validation.invalid_silo_address</c> instead.
/// </summary>
public sealed class DashboardGuard(RequestDelegate next, ObservabilityOptions options)
{
    private static readonly string[] SiloRoutes = ["/HistoricalStats", "/SiloProperties", "/SiloMetadata", "/SiloStats", "/SiloCounters"];

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(options.DashboardPath, StringComparison.OrdinalIgnoreCase, out var rest)) return next(context);
        foreach (var route in SiloRoutes)
        {
            if (rest.StartsWithSegments(route, StringComparison.OrdinalIgnoreCase, out var address) && !IsSiloAddress(address.Value?.TrimStart('/')))
            {
                return ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "validation.invalid_silo_address",
                    "The path must end in a silo address such as 10.0.0.5:11111@123456789.");
            }
        }
        return next(context);
    }

    private static bool IsSiloAddress(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 100) return false;
        try
        {
            return SiloAddress.FromParsableString(Uri.UnescapeDataString(text)) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }
}
