namespace AgentOps.Inventory;

[GenerateSerializer, Immutable, Alias("AgentOps.WarehouseStock")]
public sealed record WarehouseStock(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] int Quantity,
    [property: Id(2)] DateTimeOffset LastSynced);
