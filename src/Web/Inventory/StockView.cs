using System.Collections.Immutable;
using AgentOps.Inventory;
using AgentOps.Warehouses;

namespace AgentOps.Web.Inventory;

/// <summary>Reads the inventory cache and warehouse health together: totals and what is available now.</summary>
public sealed class StockView(IGrainFactory grains)
{
    public sealed record Totals(int Total, int Available);

    public async Task<(BookInventory Inventory, ImmutableDictionary<string, WarehouseStatus> Status)> ForBookAsync(Guid bookId)
    {
        var inventory = grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(bookId)).GetAsync(bookId);
        var status = StatusAsync();
        return (await inventory, await status);
    }

    public async Task<IReadOnlyDictionary<Guid, Totals>> TotalsAsync()
    {
        var shards = Task.WhenAll(Enumerable.Range(0, InventoryShards.Count).Select(s => grains.GetGrain<IInventoryCacheGrain>(s).GetAllAsync()));
        var status = await StatusAsync();
        var totals = new Dictionary<Guid, Totals>();
        foreach (var book in (await shards).SelectMany(s => s))
        {
            totals[book.BookId] = Sum(book, status);
        }
        return totals;
    }

    public static Totals Sum(BookInventory book, IReadOnlyDictionary<string, WarehouseStatus> status) => new(
        book.Warehouses.Sum(w => w.Quantity),
        book.Warehouses.Where(w => status.GetValueOrDefault(w.Warehouse) == WarehouseStatus.Healthy).Sum(w => w.Quantity));

    private async Task<ImmutableDictionary<string, WarehouseStatus>> StatusAsync() =>
        (await grains.GetGrain<IWarehouseRegistryGrain>(0).ListAsync()).ToImmutableDictionary(r => r.Name, r => r.Status);
}
