using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using Npgsql;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// Issue 11, defect 2: a retried order is written PENDING before it ships. If its silo dies after the warehouse shipped
/// but before the order recorded it, the shipment is in the warehouse's shipment log (before the warehouse rows, once
/// it had been archived there) when the order is resumed or cancelled: the order must find it there, not ship again
/// or refund an order that left the warehouse.
/// </summary>
public sealed class InterruptedRetryTests
{
    private const int Initial = 10;

    [Fact]
    public async Task A_retried_order_resumed_after_a_crash_mid_shipment_does_not_ship_again_once_the_shipment_is_archived()
    {
        await using var crashed = await CrashMidRetryAsync();
        var order = crashed.Grains.GetGrain<IOrderGrain>(crashed.OrderId);

        var resumed = await order.ResumeAsync();

        Assert.Equal(OrderStatus.Shipped, resumed!.Status);
        Assert.Equal(Initial - 1, await Scenario.StockAsync(crashed.Grains, crashed.Warehouse, crashed.BookId));
        Assert.Equal(1, (await crashed.Grains.GetGrain<IWarehouseGrain>(crashed.Warehouse).GetSnapshotAsync()).Shipments);
    }

    [Fact]
    public async Task A_retried_order_interrupted_mid_shipment_is_not_cancelled_and_refunded_once_its_shipment_is_archived()
    {
        await using var crashed = await CrashMidRetryAsync();
        var order = crashed.Grains.GetGrain<IOrderGrain>(crashed.OrderId);

        var result = await order.CancelAsync("changed my mind", "test", "cancel-1");

        var after = (await order.GetAsync())!;
        Assert.Equal((OrderStatus.Shipped, PaymentStatus.Captured), (after.Status, after.Payment!.Status));
        Assert.Equal("state.conflict", result.Error?.Code);
        Assert.Equal(Initial - 1, await Scenario.StockAsync(crashed.Grains, crashed.Warehouse, crashed.BookId));
    }

    /// <summary>
    /// A FAILED order is retried; the warehouse ships it, then the order's write of that outcome fails and the silo dies
    /// (storage holds the retry's PENDING state). A new cluster starts on the same storage with the shipment in the
    /// warehouse's log before anything asks the order again.
    /// </summary>
    private static async Task<Crashed> CrashMidRetryAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("retry_crash");
        var settings = ClusterFactory.BaseSettings(connectionString);
        settings["AgentOps:Bookstore:OrderResumePeriod"] = "01:00:00"; // the test, not the sweeper, resumes the order
        var serviceId = $"svc-{Guid.NewGuid():N}"[..16];

        var cluster = ClusterFactory.Build(1, settings, serviceId);
        await cluster.DeployAsync();
        Guid orderId, bookId;
        string warehouse;
        try
        {
            var grains = cluster.GrainFactory;
            var scenario = new Scenario(grains);
            var book = await scenario.BookAsync(price: 10m);
            bookId = book.Id;
            warehouse = await scenario.WarehouseAsync("r", (book.Id, Initial));
            var registry = grains.GetGrain<IWarehouseRegistryGrain>(0);
            await registry.CheckHealthAsync();

            await grains.GetGrain<IWarehouseGrain>(warehouse).SetFaultAsync(FaultKind.Offline, null, "test");
            var placed = await Scenario.PlaceAsync(grains, Guid.NewGuid(), book.Id, 1, new PaymentRequest("card", 10m));
            Assert.Equal(OrderStatus.Failed, placed.Order!.Status);
            orderId = placed.Order.Id;
            await grains.GetGrain<IWarehouseGrain>(warehouse).ClearFaultAsync("test");
            await registry.CheckHealthAsync();

            // The retry's PENDING write passes; its next write, the SHIPPED outcome, fails: the silo then dies.
            await RefuseOrderWriteAsync(connectionString, number: 2);
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IOrderGrain>(orderId).RetryAsync("test", "retry-1"));
            Assert.Equal(Initial - 1, await Scenario.StockAsync(grains, warehouse, book.Id));
            await cluster.KillSiloAsync(cluster.Primary!);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await ExecuteAsync(connectionString, "DROP TRIGGER refuse_order_write ON agentops_orders");
        cluster = ClusterFactory.Build(1, settings, serviceId);
        await cluster.DeployAsync();
        try
        {
            await cluster.GrainFactory.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
            Assert.Equal(1, await ArchivedAsync(connectionString, orderId));
            return new Crashed(cluster, orderId, bookId, warehouse);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>From the <paramref name="number"/>th write of an order's state on (in its row), every one fails.</summary>
    private static Task RefuseOrderWriteAsync(string connectionString, int number) => ExecuteAsync(connectionString, $$"""
        CREATE SEQUENCE order_writes;
        CREATE FUNCTION refuse_order_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.state_version > OLD.state_version AND nextval('order_writes') >= {{number}} THEN
            RAISE EXCEPTION 'storage refuses this write';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_order_write BEFORE UPDATE ON agentops_orders FOR EACH ROW EXECUTE FUNCTION refuse_order_write();
        """);

    private static async Task<long> ArchivedAsync(string connectionString, Guid orderId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM agentops_shipments WHERE order_id = $1", connection);
        command.Parameters.AddWithValue(orderId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Crashed(TestCluster Cluster, Guid OrderId, Guid BookId, string Warehouse) : IAsyncDisposable
    {
        public IGrainFactory Grains => Cluster.GrainFactory;

        public async ValueTask DisposeAsync()
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
    }
}
