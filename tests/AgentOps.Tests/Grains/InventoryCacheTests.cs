using AgentOps.Inventory;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Grains;

/// <summary>The cache shard answers reads from a per-book view it keeps between changes; every change must replace it.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class InventoryCacheTests(MemoryClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_read_after_each_kind_of_change_sees_that_change_with_warehouses_in_name_order()
    {
        // Warehouses no registry knows: no reminder of the shared cluster touches these entries.
        var book = Guid.NewGuid();
        var (north, south) = ($"n-{Guid.NewGuid():N}", $"s-{Guid.NewGuid():N}");
        var cache = _grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(book));
        var at = DateTimeOffset.UtcNow;

        await cache.RecordAsync(south, [new StockLine(book, 3)], at);
        await cache.RecordAsync(north, [new StockLine(book, 5)], at);
        Assert.Equal([(north, 5), (south, 3)], Stock(await cache.GetAsync(book)));

        // A shipment's update, read through both read methods.
        await cache.RecordAsync(south, [new StockLine(book, 1)], at.AddSeconds(1));
        Assert.Equal([(north, 5), (south, 1)], Stock(await cache.GetAsync(book)));
        Assert.Equal([(north, 5), (south, 1)], Stock(Assert.Single(await cache.GetManyAsync([book]))));

        // Reconciliation: a different quantity, and a warehouse that no longer lists the book.
        Assert.Equal(new InventoryDrift(book, north, 5, 4), Assert.Single(await cache.ReconcileAsync(north, [new StockLine(book, 4)], at.AddSeconds(2))));
        Assert.Equal([(north, 4), (south, 1)], Stock(await cache.GetAsync(book)));
        Assert.Equal(new InventoryDrift(book, south, 1, 0), Assert.Single(await cache.ReconcileAsync(south, [], at.AddSeconds(2))));
        Assert.Equal([(north, 4), (south, 0)], Stock(Assert.Single(await cache.GetManyAsync([book]))));
    }

    [Fact]
    public async Task A_book_no_warehouse_reported_has_no_stock()
    {
        var book = Guid.NewGuid();
        var cache = _grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(book));

        Assert.Empty((await cache.GetAsync(book)).Warehouses);
        Assert.Equal(book, Assert.Single(await cache.GetManyAsync([book])).BookId);
    }

    private static (string Warehouse, int Quantity)[] Stock(BookInventory book) => [.. book.Warehouses.Select(w => (w.Warehouse, w.Quantity))];
}
