using System.Security.Claims;
using AgentOps.Users;

namespace AgentOps.Web.Auth;

/// <summary>The signed-in user as the shared <see cref="AccessRules"/> see them: HTTP, the UI and agent tools ask the same rule.</summary>
public static class CurrentUser
{
    public static Guid Id(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(AgentOpsClaims.UserId)!);

    public static string? Email(this ClaimsPrincipal user) => user.FindFirstValue(AgentOpsClaims.Email);

    /// <summary>The requester behind these claims, or null when nobody (or no bookstore user) is signed in.</summary>
    public static Requester? ToRequester(this ClaimsPrincipal user)
    {
        if (!Guid.TryParse(user.FindFirstValue(AgentOpsClaims.UserId), out var id) || user.Email() is not { } email) return null;
        var role = user.FindFirstValue(AgentOpsClaims.Role) switch
        {
            RoleNames.StoreAdmin => UserRole.StoreAdmin,
            RoleNames.WarehouseStaff => UserRole.WarehouseStaff,
            RoleNames.Customer => UserRole.Customer,
            _ => (UserRole?)null,
        };
        return role is { } r ? new Requester(id, email, r, user.FindFirstValue(AgentOpsClaims.Warehouse)) : null;
    }

    public static bool IsStoreAdmin(this ClaimsPrincipal user) => AccessRules.IsStoreAdmin(user.ToRequester());

    /// <summary>Staff of this warehouse, or a store admin.</summary>
    public static bool MayManageWarehouse(this ClaimsPrincipal user, string warehouse) => AccessRules.MayManageWarehouse(user.ToRequester(), warehouse);
}
