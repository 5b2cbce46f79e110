namespace AgentOps.Users;

/// <summary>Who acts: a signed-in user, or an agent run acting for the user who started it.</summary>
public sealed record Requester(Guid Id, string Email, UserRole Role, string? Warehouse)
{
    public static Requester From(UserProfile profile) => new(profile.Id, profile.Email, profile.Role, profile.Warehouse);
}

/// <summary>
/// The one authorization rule of the bookstore. The HTTP API, the web UI and every agent tool ask it, so a run
/// can do exactly what the person who started it could do over HTTP, and nothing more. A null requester (an
/// unknown or deleted user) may do only what needs no sign-in.
/// </summary>
public static class AccessRules
{
    public static bool IsStoreAdmin(Requester? r) => r?.Role == UserRole.StoreAdmin;

    /// <summary>
    /// Operating the store: catalog changes, the warehouse registry with its URLs and health, fault injection, health
    /// checks, reconciliation, ops events, retrying or cancelling orders, deciding and cancelling agent runs.
    /// </summary>
    public static bool MayOperateStore(Requester? r) => IsStoreAdmin(r);

    /// <summary>A customer's own order, or any order for a store admin.</summary>
    public static bool MayReadOrder(Requester? r, Guid orderOwner) => r is not null && (IsStoreAdmin(r) || r.Id == orderOwner);

    /// <summary>Every customer's orders: store admins only; others see their own.</summary>
    public static bool MayListAllOrders(Requester? r) => IsStoreAdmin(r);

    /// <summary>Stock and shipments of one warehouse: its own staff, or a store admin.</summary>
    public static bool MayManageWarehouse(Requester? r, string warehouse) =>
        IsStoreAdmin(r) || (r is { Role: UserRole.WarehouseStaff } && string.Equals(r.Warehouse, warehouse, StringComparison.Ordinal));

    /// <summary>Some warehouse's stock, before knowing which (a tool's role-level check).</summary>
    public static bool MayManageSomeWarehouse(Requester? r) => IsStoreAdmin(r) || r is { Role: UserRole.WarehouseStaff, Warehouse: not null };

    /// <summary>Any signed-in user.</summary>
    public static bool IsSignedIn(Requester? r) => r is not null;

    /// <summary>Deciding on a governed tool call: a person holding one of the roles the call's policy names.</summary>
    public static bool MayApprove(Requester? r, IEnumerable<string> roles) => r is not null && roles.Contains(RoleNames.For(r.Role), StringComparer.Ordinal);

    /// <summary>Starting an agent that declares the roles it serves.</summary>
    public static bool MayRunAgent(Requester? r, IReadOnlyCollection<UserRole> allowedRoles) => r is not null && allowedRoles.Contains(r.Role);
}
