namespace AgentOps.Warehouses;

[GenerateSerializer, Alias("AgentOps.WarehouseStatus")]
public enum WarehouseStatus
{
    Unknown = 0,
    Healthy = 1,
    Offline = 2,
}
