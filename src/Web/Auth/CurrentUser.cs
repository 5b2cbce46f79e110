using System.Security.Claims;

namespace AgentOps.Web.Auth;

public static class CurrentUser
{
    public static Guid Id(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(AgentOpsClaims.UserId)!);

    public static bool IsStoreAdmin(this ClaimsPrincipal user) => user.IsInRole(RoleNames.StoreAdmin);

    /// <summary>Staff of this warehouse, or a store admin.</summary>
    public static bool MayManageWarehouse(this ClaimsPrincipal user, string warehouse) =>
        user.IsStoreAdmin() || (user.IsInRole(RoleNames.WarehouseStaff) && user.FindFirstValue(AgentOpsClaims.Warehouse) == warehouse);
}
