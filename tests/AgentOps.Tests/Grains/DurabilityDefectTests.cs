using AgentOps.Inventory;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Grains;

/// <summary>Regression tests for the double-effect defects of issue 11 that show at grain level.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class DurabilityDefectTests(MemoryClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Two_instructions_for_the_same_order_under_a_slow_fault_take_stock_once()
    {
        // Defect 1: the duplicate check ran before the slow fault's delay, so both instructions passed it.
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var name = await scenario.WarehouseAsync("slowdup", (book.Id, 10));
        var warehouse = _grains.GetGrain<IWarehouseGrain>(name);
        await warehouse.SetFaultAsync(FaultKind.Slow, TimeSpan.FromMilliseconds(500), "test");
        var order = Guid.NewGuid();
        var request = new ShipmentRequest(order, [new StockLine(book.Id, 3)], MayBeRepeat: true);

        var outcomes = await Task.WhenAll(warehouse.ShipAsync(request), warehouse.ShipAsync(request), warehouse.ShipAsync(request));

        Assert.All(outcomes, o => Assert.NotNull(o.Confirmation));
        Assert.Single(outcomes.Select(o => o.Confirmation!.ShipmentId).Distinct());
        Assert.Equal(7, await Scenario.StockAsync(_grains, name, book.Id));
        await warehouse.ClearFaultAsync("test");
    }

    [Fact]
    public async Task An_older_stock_update_arriving_late_does_not_move_the_cache_backwards()
    {
        // Defect 6: updates from two shipments arrive out of order; the cache kept the last one to arrive.
        var book = Guid.NewGuid();
        var cache = _grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(book));
        var first = DateTimeOffset.UtcNow;
        var second = first.AddMilliseconds(5);

        await cache.RecordAsync("w-late", [new StockLine(book, 8)], second);
        await cache.RecordAsync("w-late", [new StockLine(book, 9)], first);

        Assert.Equal(8, (await cache.GetAsync(book)).Warehouses.Single(w => w.Warehouse == "w-late").Quantity);
    }
}
