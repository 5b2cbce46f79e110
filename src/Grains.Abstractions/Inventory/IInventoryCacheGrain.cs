using System.Collections.Immutable;

namespace AgentOps.Inventory;

/// <summary>
/// One shard of the inventory cache (key = shard number). Books are spread over shards so that
/// shipments of different books do not queue behind one activation.
/// </summary>
[Alias("AgentOps.IInventoryCacheGrain")]
public interface IInventoryCacheGrain : IGrainWithIntegerKey
{
    [Alias("Get"), ReadOnly]
    Task<BookInventory> GetAsync(Guid bookId);

    /// <summary>The stock of the given books of this shard (books it does not know have no warehouses).</summary>
    [Alias("GetMany"), ReadOnly]
    Task<ImmutableArray<BookInventory>> GetManyAsync(ImmutableArray<Guid> bookIds);

    [Alias("GetAll"), ReadOnly]
    Task<ImmutableArray<BookInventory>> GetAllAsync();

    /// <summary>Records known stock levels (after a shipment or a stock change).</summary>
    [Alias("Record")]
    Task RecordAsync(string warehouse, ImmutableArray<Warehouses.StockLine> lines, DateTimeOffset at);

    /// <summary>Compares a warehouse's real stock for this shard's books with the cache, fixes the cache, returns the drift.</summary>
    [Alias("Reconcile")]
    Task<ImmutableArray<InventoryDrift>> ReconcileAsync(string warehouse, ImmutableArray<Warehouses.StockLine> actual, DateTimeOffset at);
}
