namespace AgentOps.Warehouses;

/// <summary>
/// The warehouse's grain state: its fault and the ids of the operations that changed the fault (restarts), each
/// written together with what it records. Stock, shipments and stock-changing operation ids are rows of the
/// <see cref="IWarehouseStore"/>, so that a shipment writes only what it changed.
/// </summary>
[GenerateSerializer, Alias("AgentOps.WarehouseState")]
public sealed class WarehouseState
{
    /// <summary>Before the warehouse rows existed, the stock lived here; moved to the rows on the next activation.</summary>
    [Id(0)] public Dictionary<Guid, int> Stock { get; set; } = [];

    /// <summary>Before the warehouse rows existed, unarchived confirmations lived here; moved like <see cref="Stock"/>.</summary>
    [Id(1)] public Dictionary<Guid, ShipmentConfirmation> Shipments { get; set; } = [];

    [Id(2)] public WarehouseFault? Fault { get; set; }

    /// <summary>Idempotency keys of restarts already applied (and, from before the rows, of stock changes too).</summary>
    [Id(3)] public Common.OperationLog Operations { get; set; } = new();

    /// <summary>Before the warehouse rows existed, the shipment count lived here; moved like <see cref="Stock"/>.</summary>
    [Id(4)] public long ShippedCount { get; set; }

    public bool HasUnmigratedRows => Stock.Count > 0 || Shipments.Count > 0 || ShippedCount > 0;
}
