namespace AgentOps.Users;

[GenerateSerializer, Alias("AgentOps.UserRole")]
public enum UserRole
{
    Customer = 0,
    StoreAdmin = 1,
    WarehouseStaff = 2,
}
