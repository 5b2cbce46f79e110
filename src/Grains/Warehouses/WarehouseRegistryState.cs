namespace AgentOps.Warehouses;

[GenerateSerializer, Alias("AgentOps.WarehouseRegistryState")]
public sealed class WarehouseRegistryState
{
    [Id(0)] public Dictionary<string, WarehouseRegistration> Warehouses { get; set; } = [];
}
