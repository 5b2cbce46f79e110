namespace AgentOps.Warehouses;

[GenerateSerializer, Alias("AgentOps.WarehouseState")]
public sealed class WarehouseState
{
    [Id(0)] public Dictionary<Guid, int> Stock { get; set; } = [];

    /// <summary>The first confirmation per order: a repeated instruction returns it.</summary>
    [Id(1)] public Dictionary<Guid, ShipmentConfirmation> Shipments { get; set; } = [];

    [Id(2)] public WarehouseFault? Fault { get; set; }

    /// <summary>Idempotency keys of agent operations (restart, set stock) already applied.</summary>
    [Id(3)] public Common.OperationLog Operations { get; set; } = new();
}
