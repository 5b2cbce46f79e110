using System.Security.Claims;
using AgentOps.Common;
using AgentOps.Users;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOps.Web.Users;

public sealed record RegisterRequest(string? Email, string? Password, string? Name);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ChangePasswordRequest(string? NewPassword);

public sealed record ChangeRoleRequest(string? Role, string? Warehouse);

public sealed record UserResponse(Guid Id, string Email, string? Name, string Role, string? Warehouse)
{
    public static UserResponse From(UserProfile p) => new(p.Id, p.Email, p.Name, RoleNames.For(p.Role), p.Warehouse);
}

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/store/auth").WithTags("Users");
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimiting.Register).WithName("Register")
            .WithSummary("Creates a CUSTOMER account; a taken e-mail is answered the same way and changes nothing.");
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimiting.SignIn).WithName("Login")
            .WithSummary("Checks credentials; returns id, email and role. Repeated wrong passwords lock the account for a while (429).");

        routes.MapPost("/store/auth/password", ChangePasswordAsync).RequireAuthorization(Policies.User).WithTags("Users").WithName("ChangePassword")
            .WithSummary("Sets a new password for the signed-in user (Basic); the old one stops working everywhere at once.");
        routes.MapPut("/store/users/{email}/role", ChangeRoleAsync).RequireAuthorization(Policies.StoreAdmin).WithTags("Users").WithName("ChangeRole")
            .WithSummary("Gives a user another role (STORE_ADMIN); their sessions must sign in again.");
        return routes;
    }

    private static async Task<Results<NoContent, ApiErrorResult>> ChangePasswordAsync(ChangePasswordRequest body, ClaimsPrincipal user, IGrainFactory grains,
        CredentialVerifier verifier)
    {
        if (string.IsNullOrEmpty(body.NewPassword)) return ApiErrors.Validation("missing_field", "new_password is required.", new Dictionary<string, string> { ["field"] = "new_password" });
        var email = UserRules.NormalizeEmail(user.FindFirstValue(AgentOpsClaims.Email)!);
        UserResult result;
        try
        {
            result = await grains.GetGrain<IUserGrain>(email).ChangePasswordAsync(body.NewPassword);
        }
        finally
        {
            // Also when the outcome is unknown: the old password must not outlive a change that may have happened.
            verifier.Forget(email);
        }
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, ApiErrorResult>> ChangeRoleAsync(string email, ChangeRoleRequest body, IGrainFactory grains,
        CredentialVerifier verifier)
    {
        UserRole? role = body.Role?.Trim().ToUpperInvariant() switch
        {
            RoleNames.Customer => UserRole.Customer,
            RoleNames.StoreAdmin => UserRole.StoreAdmin,
            RoleNames.WarehouseStaff => UserRole.WarehouseStaff,
            _ => null,
        };
        if (role is null) return ApiErrors.Validation("invalid_role", "role must be CUSTOMER, STORE_ADMIN or WAREHOUSE_STAFF.");
        if (email.Length > 254) return ApiErrors.NotFound("No such user.");
        UserResult result;
        try
        {
            result = await grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(email)).ChangeRoleAsync(role.Value, body.Warehouse?.Trim());
        }
        finally
        {
            verifier.Forget(email);
        }
        return result.Error is { } error ? ApiErrors.From(error) : TypedResults.Ok(UserResponse.From(result.User!));
    }

    /// <summary>
    /// Registers a customer. A taken e-mail is answered exactly like a new one (201 with the account as it would have
    /// been created, after a password hash of the same cost) and changes nothing, so registration does not reveal
    /// which e-mails have accounts; signing in with the new password then fails.
    /// </summary>
    private static async Task<Results<Created<UserResponse>, ApiErrorResult>> RegisterAsync(RegisterRequest body, IGrainFactory grains, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(body.Email)) return ApiErrors.Validation("missing_field", "email is required.", new Dictionary<string, string> { ["field"] = "email" });
        if (string.IsNullOrEmpty(body.Password)) return ApiErrors.Validation("missing_field", "password is required.", new Dictionary<string, string> { ["field"] = "password" });

        var user = new NewUser(body.Email, body.Password, body.Name, UserRole.Customer, null);
        if (UserRules.Validate(user) is { } invalid) return ApiErrors.From(invalid);
        var result = await grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(body.Email)).RegisterAsync(user);
        var created = result.Error switch
        {
            null => result.User!,
            { Kind: ErrorKind.Conflict } => UserRules.NewProfile(user, clock.GetUtcNow()),
            var error => null,
        };
        if (created is null) return ApiErrors.From(result.Error!);
        return TypedResults.Created($"/store/users/{created.Id}", UserResponse.From(created));
    }

    private static async Task<Results<Ok<UserResponse>, ApiErrorResult>> LoginAsync(LoginRequest body, CredentialVerifier verifier)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
            return ApiErrors.Validation("missing_field", "email and password are required.");
        var check = await verifier.VerifyAsync(body.Email, body.Password);
        if (check.LockedFor is { } lockedFor) return ApiErrors.From(Errors.RateLimited(CredentialCheck.LockedMessage, lockedFor));
        return check.User is not { } profile
            ? new ApiErrorResult(StatusCodes.Status401Unauthorized, "auth.invalid_credentials", "E-mail or password is wrong.")
            : TypedResults.Ok(UserResponse.From(profile));
    }
}
