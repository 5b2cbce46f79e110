namespace AgentOps.Warehouses;

[GenerateSerializer, Alias("AgentOps.WarehouseState")]
public sealed class WarehouseState
{
    [Id(0)] public Dictionary<Guid, int> Stock { get; set; } = [];

    /// <summary>
    /// Confirmations not archived to the shipment log yet (a repeated instruction returns the first one). They are
    /// written together with the stock they took, then moved to the log in batches.
    /// </summary>
    [Id(1)] public Dictionary<Guid, ShipmentConfirmation> Shipments { get; set; } = [];

    [Id(2)] public WarehouseFault? Fault { get; set; }

    /// <summary>Idempotency keys of agent operations (restart, set stock) already applied.</summary>
    [Id(3)] public Common.OperationLog Operations { get; set; } = new();

    /// <summary>Shipments made since the warehouse first started (archived or not).</summary>
    [Id(4)] public long ShippedCount { get; set; }
}
