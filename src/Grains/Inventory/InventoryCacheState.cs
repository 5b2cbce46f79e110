namespace AgentOps.Inventory;

[GenerateSerializer, Alias("AgentOps.InventoryCacheState")]
public sealed class InventoryCacheState
{
    /// <summary>book → warehouse → cached stock.</summary>
    [Id(0)] public Dictionary<Guid, Dictionary<string, WarehouseStock>> Books { get; set; } = [];
}
