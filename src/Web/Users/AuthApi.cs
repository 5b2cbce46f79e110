using AgentOps.Common;
using AgentOps.Users;
using AgentOps.Web.Auth;
using AgentOps.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOps.Web.Users;

public sealed record RegisterRequest(string? Email, string? Password, string? Name);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record UserResponse(Guid Id, string Email, string? Name, string Role, string? Warehouse)
{
    public static UserResponse From(UserProfile p) => new(p.Id, p.Email, p.Name, RoleNames.For(p.Role), p.Warehouse);
}

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/store/auth").WithTags("Users");
        auth.MapPost("/register", RegisterAsync).WithName("Register").WithSummary("Creates a CUSTOMER account.");
        auth.MapPost("/login", LoginAsync).WithName("Login").WithSummary("Checks credentials; returns id, email and role.");
        return routes;
    }

    private static async Task<Results<Created<UserResponse>, ApiErrorResult>> RegisterAsync(RegisterRequest body, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body.Email)) return ApiErrors.Validation("missing_field", "email is required.", new Dictionary<string, string> { ["field"] = "email" });
        if (string.IsNullOrEmpty(body.Password)) return ApiErrors.Validation("missing_field", "password is required.", new Dictionary<string, string> { ["field"] = "password" });

        var user = new NewUser(body.Email, body.Password, body.Name, UserRole.Customer, null);
        if (UserRules.Validate(user) is { } invalid) return ApiErrors.From(invalid);
        var result = await grains.GetGrain<IUserGrain>(UserRules.NormalizeEmail(body.Email)).RegisterAsync(user);
        if (result.Error is { } error) return ApiErrors.From(error);
        return TypedResults.Created($"/store/users/{result.User!.Id}", UserResponse.From(result.User));
    }

    private static async Task<Results<Ok<UserResponse>, ApiErrorResult>> LoginAsync(LoginRequest body, CredentialVerifier verifier)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
            return ApiErrors.Validation("missing_field", "email and password are required.");
        var profile = await verifier.VerifyAsync(body.Email, body.Password);
        return profile is null
            ? new ApiErrorResult(StatusCodes.Status401Unauthorized, "auth.invalid_credentials", "E-mail or password is wrong.")
            : TypedResults.Ok(UserResponse.From(profile));
    }
}
