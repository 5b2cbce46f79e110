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
    // Grain references are immutable: made once, not resolved again on every read.
    private readonly IInventoryCacheGrain[] _shards = [.. Enumerable.Range(0, InventoryShards.Count).Select(shard => grains.GetGrain<IInventoryCacheGrain>(shard))];

    public sealed record Totals(int Total, int Available);

    public async Task<(BookInventory Inventory, ImmutableDictionary<string, WarehouseStatus> Status)> ForBookAsync(Guid bookId)
    {
        var inventory = _shards[InventoryShards.For(bookId)].GetAsync(bookId);
        var status = StatusAsync();
        return (await inventory, await status);
    }

    /// <summary>Totals of the given books only: one call per shard that holds any of them.</summary>
    /// <remarks>Plain loops: a catalog page runs this on every read, and its LINQ grouping showed among the largest allocations of the reads profile.</remarks>
    public async Task<IReadOnlyDictionary<Guid, Totals>> TotalsAsync(IReadOnlyList<Guid> bookIds)
    {
        var byShard = new List<Guid>?[InventoryShards.Count];
        foreach (var id in bookIds)
        {
            var shard = byShard[InventoryShards.For(id)] ??= [];
            if (!shard.Contains(id)) shard.Add(id);
        }
        var calls = new List<Task<ImmutableArray<BookInventory>>>(byShard.Length);
        for (var shard = 0; shard < byShard.Length; shard++)
        {
            if (byShard[shard] is { } ids) calls.Add(_shards[shard].GetManyAsync([.. ids]));
        }
        var status = await StatusAsync();
        var totals = new Dictionary<Guid, Totals>(bookIds.Count);
        foreach (var books in await Task.WhenAll(calls))
        {
            foreach (var book in books) totals[book.BookId] = Sum(book, status);
        }
        return totals;
    }

    public static Totals Sum(BookInventory book, IReadOnlyDictionary<string, WarehouseStatus> status)
    {
        long total = 0, available = 0;
        foreach (var stock in book.Warehouses)
        {
            total += stock.Quantity;
            if (status.GetValueOrDefault(stock.Warehouse) == WarehouseStatus.Healthy) available += stock.Quantity;
        }
        return new Totals(Clamp(total), Clamp(available));
    }

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
