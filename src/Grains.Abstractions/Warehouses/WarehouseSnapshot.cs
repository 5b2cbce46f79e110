namespace AgentOps.Warehouses;

[GenerateSerializer, Immutable, Alias("AgentOps.WarehouseSnapshot")]
public sealed record WarehouseSnapshot(
    [property: Id(0)] string Name,
    [property: Id(1)] WarehouseFault? Fault,
    [property: Id(2)] int Books,
    [property: Id(3)] long Units,
    [property: Id(4)] int Shipments);
