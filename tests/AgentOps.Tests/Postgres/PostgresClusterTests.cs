using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>The real providers: ADO.NET grain storage and reminders on a throwaway PostgreSQL server.</summary>
public sealed class PostgresClusterTests
{
    private static async Task<(TestCluster Cluster, Dictionary<string, string?> Settings, string ServiceId)> StartAsync(
        string name, TimeSpan? shipmentTimeout = null)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(name);
        var settings = ClusterFactory.BaseSettings(connectionString);
        if (shipmentTimeout is { } timeout) settings["AgentOps:Bookstore:ShipmentTimeout"] = timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        var serviceId = $"svc-{Guid.NewGuid():N}"[..16];
        var cluster = ClusterFactory.Build(1, settings, serviceId);
        await cluster.DeployAsync();
        return (cluster, settings, serviceId);
    }

    private static async Task<TestCluster> RestartAsync(TestCluster cluster, Dictionary<string, string?> settings, string serviceId)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        var restarted = ClusterFactory.Build(1, settings, serviceId);
        await restarted.DeployAsync();
        return restarted;
    }

    [Fact]
    public async Task Orders_and_stock_survive_a_full_cluster_restart()
    {
        var (cluster, settings, serviceId) = await StartAsync("restart");
        var scenario = new Scenario(cluster.GrainFactory);
        var book = await scenario.BookAsync(price: 4m);
        var warehouse = await scenario.WarehouseAsync("w", (book.Id, 6));
        var placed = await Scenario.PlaceAsync(cluster.GrainFactory, Guid.NewGuid(), book.Id, 2, new PaymentRequest("card", 8m));
        Assert.Equal(OrderStatus.Shipped, placed.Order!.Status);

        cluster = await RestartAsync(cluster, settings, serviceId);
        try
        {
            var order = await cluster.GrainFactory.GetGrain<IOrderGrain>(placed.Order.Id).GetAsync();
            Assert.Equal(OrderStatus.Shipped, order!.Status);
            Assert.Equal(placed.Order.Warehouse, order.Warehouse);
            Assert.Equal(8m, order.Total);
            Assert.Equal(PaymentStatus.Captured, order.Payment!.Status);
            Assert.Equal(placed.Order.CreatedAt, order.CreatedAt);
            Assert.Equal(4, await Scenario.StockAsync(cluster.GrainFactory, warehouse, book.Id));
            Assert.Single(await cluster.GrainFactory.GetGrain<IWarehouseGrain>(warehouse).GetShipmentsAsync());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pending_order_is_finished_by_its_reminder_after_a_full_restart()
    {
        var (cluster, settings, serviceId) = await StartAsync("pending");
        var scenario = new Scenario(cluster.GrainFactory);
        var book = await scenario.BookAsync();
        var slow = await scenario.WarehouseAsync("slow", (book.Id, 3));
        await cluster.GrainFactory.GetGrain<IWarehouseGrain>(slow).SetFaultAsync(FaultKind.Slow, TimeSpan.FromSeconds(2), "test");
        var placed = await Scenario.PlaceAsync(cluster.GrainFactory, Guid.NewGuid(), book.Id, 1);
        Assert.Equal(OrderStatus.Pending, placed.Order!.Status);

        cluster = await RestartAsync(cluster, settings, serviceId);
        try
        {
            await cluster.GrainFactory.GetGrain<IWarehouseGrain>(slow).ClearFaultAsync("test");
            var order = cluster.GrainFactory.GetGrain<IOrderGrain>(placed.Order.Id);
            // Nothing calls the order: only its durable reminder can finish it.
            await Scenario.EventuallyAsync(async () => (await order.GetAsync())!.Status == OrderStatus.Shipped, TimeSpan.FromSeconds(30), "the reminder ships the order after the restart");
            Assert.Equal(2, await Scenario.StockAsync(cluster.GrainFactory, slow, book.Id));
            Assert.Single(await cluster.GrainFactory.GetGrain<IWarehouseGrain>(slow).GetShipmentsAsync());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Concurrent_orders_for_the_last_copies_never_oversell_on_postgres()
    {
        // The claim is about stock, not speed: a generous shipment timeout, so a busy CI machine cannot fail an order that had stock.
        var (cluster, _, _) = await StartAsync("oversell", TimeSpan.FromSeconds(30));
        try
        {
            var scenario = new Scenario(cluster.GrainFactory);
            var book = await scenario.BookAsync();
            var a = await scenario.WarehouseAsync("a", (book.Id, 4));
            var b = await scenario.WarehouseAsync("b", (book.Id, 3));

            var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Scenario.PlaceAsync(cluster.GrainFactory, Guid.NewGuid(), book.Id, 1)));

            Assert.Equal(7, results.Count(r => r.Order!.Status == OrderStatus.Shipped));
            Assert.Equal(18, results.Count(r => r.Order!.Status == OrderStatus.Failed));
            Assert.Equal(0, await Scenario.StockAsync(cluster.GrainFactory, a, book.Id));
            Assert.Equal(0, await Scenario.StockAsync(cluster.GrainFactory, b, book.Id));
            var shipped = (await cluster.GrainFactory.GetGrain<IWarehouseGrain>(a).GetShipmentsAsync()).Length
                + (await cluster.GrainFactory.GetGrain<IWarehouseGrain>(b).GetShipmentsAsync()).Length;
            Assert.Equal(7, shipped);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_health_check_reminder_fires_from_postgres()
    {
        var (cluster, _, _) = await StartAsync("reminders");
        try
        {
            var registry = cluster.GrainFactory.GetGrain<IWarehouseRegistryGrain>(0);
            await cluster.GrainFactory.GetGrain<IWarehouseGrain>("beta").SetFaultAsync(FaultKind.Offline, null, "test");

            await Scenario.EventuallyAsync(async () => (await registry.GetAsync("beta"))!.Status == WarehouseStatus.Offline,
                TimeSpan.FromSeconds(30), "the health-check reminder marks beta OFFLINE");
            Assert.Equal(WarehouseStatus.Healthy, (await registry.GetAsync("alpha"))!.Status);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
