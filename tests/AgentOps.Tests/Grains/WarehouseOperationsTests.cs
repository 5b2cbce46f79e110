using AgentOps.Inventory;
using AgentOps.OpsEvents;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Grains;

[Collection(MemoryClusterCollection.Name)]
public sealed class WarehouseOperationsTests(MemoryClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Health_check_reminder_marks_an_offline_warehouse_offline_and_records_an_ops_event()
    {
        var scenario = new Scenario(_grains);
        var name = await scenario.WarehouseAsync("hc");
        var registry = _grains.GetGrain<IWarehouseRegistryGrain>(0);
        await Scenario.EventuallyAsync(async () => (await registry.GetAsync(name))!.Status == WarehouseStatus.Healthy, TimeSpan.FromSeconds(15), "the warehouse is HEALTHY");

        await _grains.GetGrain<IWarehouseGrain>(name).SetFaultAsync(FaultKind.Offline, null, "test");

        // No manual trigger: the 2 s health-check reminder must notice. The registry answers reads while it writes the new
        // status, before it records the event, so both are waited for.
        var log = _grains.GetGrain<IOpsEventLogGrain>(0);
        IReadOnlyList<OpsEvent> ours = [];
        await Scenario.EventuallyAsync(async () =>
        {
            if ((await registry.GetAsync(name))!.Status != WarehouseStatus.Offline) return false;
            ours = [.. (await log.QueryAsync(new OpsEventQuery(Kind: "warehouse_offline", Limit: 1000))).Where(e => e.Details["warehouse"] == name)];
            return ours.Count > 0;
        }, TimeSpan.FromSeconds(15), "the reminder marks it OFFLINE and records it");
        Assert.Equal(OpsSeverity.Error, Assert.Single(ours).Severity);

        await _grains.GetGrain<IWarehouseGrain>(name).ClearFaultAsync("test");
        Assert.Equal(WarehouseStatus.Healthy, (await registry.CheckHealthAsync()).Single(w => w.Name == name).Status);
    }

    [Fact]
    public async Task Registering_a_warehouse_twice_keeps_one_registration()
    {
        var registry = _grains.GetGrain<IWarehouseRegistryGrain>(0);
        var first = await registry.RegisterAsync("dup-test", "http://a/warehouses/dup-test");
        var second = await registry.RegisterAsync("DUP-TEST", "http://b/warehouses/dup-test");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("http://b/warehouses/dup-test", second.Url);
        Assert.Single(await registry.ListAsync(), w => w.Name == "dup-test");
    }

    [Fact]
    public async Task Reconciliation_reports_drift_between_cache_and_warehouse_and_repairs_the_cache()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var name = await scenario.WarehouseAsync("rc", (book.Id, 7));
        var registry = _grains.GetGrain<IWarehouseRegistryGrain>(0);
        await registry.CheckHealthAsync();
        var cache = _grains.GetGrain<IInventoryCacheGrain>(InventoryShards.For(book.Id));
        // Simulate a cache that missed an update: a wrong value newer than anything the shard read when it activated.
        var wrongAt = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await cache.RecordAsync(name, [new StockLine(book.Id, 9)], wrongAt);
        await Scenario.EventuallyAsync(() => Task.FromResult(DateTimeOffset.UtcNow > wrongAt), TimeSpan.FromSeconds(5), "the wrong value is in the past");

        var report = await _grains.GetGrain<IReconciliationGrain>(0).RunAsync("test");

        // The fixture's 3 s reconciliation reminder may run first and repair the drift itself; runs are serialized by the
        // grain, so by now exactly one of the two reported it, and the ops event log holds that one report.
        Assert.Contains(name, report.Warehouses);
        Assert.Equal(7, (await cache.GetAsync(book.Id)).Warehouses.Single(w => w.Warehouse == name).Quantity);
        var events = await _grains.GetGrain<IOpsEventLogGrain>(0).QueryAsync(new OpsEventQuery(Kind: "inventory_drift", Limit: 1000));
        var drift = Assert.Single(events, e => e.Details["warehouse"] == name);
        Assert.Equal("1", drift.Details["drift_count"]);
        Assert.Equal($"{book.Id}: cache 9 → actual 7", drift.Details["drifts"]);
        // This run's report has the drift exactly when it was the one that found it, and nothing else for this warehouse.
        var foundByThisRun = drift.Details["report_id"] == report.Id.ToString();
        Assert.Equal(foundByThisRun ? [new InventoryDrift(book.Id, name, 9, 7)] : Array.Empty<InventoryDrift>(),
            report.Drifts.Where(d => d.Warehouse == name).ToArray());
    }

    [Fact]
    public async Task Seed_data_has_the_classics_users_and_stocked_warehouses()
    {
        var books = await _grains.GetGrain<AgentOps.Catalog.ICatalogGrain>(0).ListAsync(includeInactive: true);
        Assert.Contains(books, b => b.Title == "The Great Gatsby");
        Assert.Contains(books, b => b.Title == "1984");
        Assert.Contains(books, b => b.Title == "The Hobbit");
        var admin = (await _grains.GetGrain<AgentOps.Users.IUserGrain>("admin@bookstore.com").SignInAsync("admin123")).User;
        Assert.Equal(AgentOps.Users.UserRole.StoreAdmin, admin!.Role);
        Assert.Null((await _grains.GetGrain<AgentOps.Users.IUserGrain>("admin@bookstore.com").SignInAsync("wrong")).User);
        var hobbit = books.Single(b => b.Title == "The Hobbit");
        Assert.Equal(10, await Scenario.StockAsync(_grains, "alpha", hobbit.Id));
        Assert.Equal(10, await Scenario.StockAsync(_grains, "beta", hobbit.Id));
    }
}
