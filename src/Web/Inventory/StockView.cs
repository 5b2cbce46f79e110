using System.Collections.Immutable;
using AgentOps.Inventory;
using AgentOps.Warehouses;

namespace AgentOps.Web.Inventory;

/// <summary>
/// Reads the inventory cache and warehouse health together: totals and what is available now. Warehouse health
/// is remembered for a second, so that busy catalog reads do not all queue at the registry grain.
/// </summary>
public sealed class StockView(IGrainFactory grains, TimeProvider clock)
{
    private static readonly TimeSpan StatusFreshness = TimeSpan.FromSeconds(1);

    private (ImmutableDictionary<string, WarehouseStatus> Status, DateTimeOffset At)? _status;

    public sealed record Totals(int Total, int Available);

    public async Task<(BookInventory Inventory, ImmutableDictionary<string, WarehouseStatus> Status)> ForBookAsync(Guid bookId)
    {
        var inventory = grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(bookId)).GetAsync(bookId);
        var status = StatusAsync();
        return (await inventory, await status);
    }

    /// <summary>Totals of the given books only: one call per shard that holds any of them.</summary>
    public async Task<IReadOnlyDictionary<Guid, Totals>> TotalsAsync(IEnumerable<Guid> bookIds)
    {
        var byShard = bookIds.Distinct().GroupBy(InventoryShards.For);
        var shards = Task.WhenAll(byShard.Select(g => grains.GetGrain<IInventoryCacheGrain>(g.Key).GetManyAsync([.. g])));
        var status = await StatusAsync();
        return (await shards).SelectMany(s => s).ToDictionary(b => b.BookId, b => Sum(b, status));
    }

    public static Totals Sum(BookInventory book, IReadOnlyDictionary<string, WarehouseStatus> status) => new(
        Clamp(book.Warehouses.Sum(w => (long)w.Quantity)),
        Clamp(book.Warehouses.Where(w => status.GetValueOrDefault(w.Warehouse) == WarehouseStatus.Healthy).Sum(w => (long)w.Quantity)));

    // Each warehouse holds at most MaxStockPerBook, but enough warehouses together could pass int's range.
    private static int Clamp(long total) => (int)Math.Min(int.MaxValue, total);

    private async Task<ImmutableDictionary<string, WarehouseStatus>> StatusAsync()
    {
        if (_status is { } known && clock.GetUtcNow() - known.At < StatusFreshness) return known.Status;
        var status = (await grains.GetGrain<IWarehouseRegistryGrain>(0).ListAsync()).ToImmutableDictionary(r => r.Name, r => r.Status);
        _status = (status, clock.GetUtcNow());
        return status;
    }
}
