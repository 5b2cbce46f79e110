namespace AgentOps.Inventory;

/// <summary>A difference between the cache and a warehouse's real stock found by reconciliation.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.InventoryDrift")]
public sealed record InventoryDrift(
    [property: Id(0)] Guid BookId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] int? Cached,
    [property: Id(3)] int Actual);
