using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Grains;

[Collection(MemoryClusterCollection.Name)]
public sealed class WarehouseTotalsTests(MemoryClusterFixture fixture)
{
    [Fact]
    public async Task A_warehouse_holding_more_units_than_an_int_counts_them_all()
    {
        // Found by the load generator: 10,000 books at 1,000,000 each overflowed the unit count (a 500).
        var warehouse = await new Scenario(fixture.Grains).WarehouseAsync("big");
        var lines = Enumerable.Range(0, 2200).Select(_ => new StockLine(Guid.NewGuid(), 1_000_000)).ToArray();
        Assert.Null(await fixture.Grains.GetGrain<IWarehouseGrain>(warehouse).SetStockAsync([.. lines], "test"));

        var snapshot = await fixture.Grains.GetGrain<IWarehouseGrain>(warehouse).GetSnapshotAsync();

        Assert.Equal(2200, snapshot.Books);
        Assert.Equal(2_200_000_000L, snapshot.Units);
    }
}
