using AgentOps.Web.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace AgentOps.Web.Auth;

/// <summary>Cookie sign-in and sign-out for the web UI (form posts from the sign-in page and the app bar).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var account = routes.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", SignInAsync).RequireRateLimiting(RateLimiting.SignIn);
        account.MapPost("/logout", SignOutAsync);
        return routes;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, CredentialVerifier verifier, HttpContext http)
    {
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        var check = await verifier.VerifyAsync(email ?? "", password ?? "");
        if (check.User is not { } profile)
        {
            var failed = check.LockedFor is null ? "1" : "locked";
            return Results.Redirect($"/login?failed={failed}&returnUrl={Uri.EscapeDataString(target)}");
        }
        var principal = new System.Security.Claims.ClaimsPrincipal(BasicAuthenticationHandler.ToIdentity(profile, check.SecurityStamp, AuthSchemes.Cookie));
        await http.SignInAsync(AuthSchemes.Cookie, principal);
        return Results.Redirect(target);
    }

    private static async Task SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        http.Response.Redirect("/login");
    }

    /// <summary>Only paths of this site: never an open redirect to another host.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
