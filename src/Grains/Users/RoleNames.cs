
namespace AgentOps.Users;

/// <summary>The seed's role spellings on the wire.</summary>
public static class RoleNames
{
    public const string Customer = "CUSTOMER";
    public const string StoreAdmin = "STORE_ADMIN";
    public const string WarehouseStaff = "WAREHOUSE_STAFF";

    public static string For(UserRole role) => role switch
    {
        UserRole.StoreAdmin => StoreAdmin,
        UserRole.WarehouseStaff => WarehouseStaff,
        _ => Customer,
    };
}
