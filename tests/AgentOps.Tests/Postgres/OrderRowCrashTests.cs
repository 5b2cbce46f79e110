using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using Npgsql;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// An order leaving FAILED (cancel, retry) must not be left, by a crash right after its state write, with a FAILED row
/// the sweeper never looks at (found by the fault harness: a cancelled order whose row stayed FAILED, when the row's
/// status was written behind the state; the state and the status are now one statement, see OrderRowStorage).
/// </summary>
public sealed class OrderRowCrashTests
{
    [Fact]
    public async Task A_failed_order_cancelled_just_before_a_crash_gets_a_CANCELLED_row()
    {
        await using var cluster = await CrashingCluster.StartAsync("row_cancel");
        var scenario = new Scenario(cluster.Grains);
        var book = await scenario.BookAsync(); // held by no warehouse: the order fails
        var placed = await Scenario.PlaceAsync(cluster.Grains, Guid.NewGuid(), book.Id, 1);
        Assert.Equal(OrderStatus.Failed, placed.Order!.Status);
        var id = placed.Order.Id;
        await EventuallyEqualAsync("FAILED", () => cluster.RowStatusAsync(id), "the row of the failed order is written");

        await cluster.CrashAfterNextOrderStateWriteAsync();
        Assert.Equal(OrderStatus.Cancelled, (await cluster.Grains.GetGrain<IOrderGrain>(id).CancelAsync("not needed", "test", "cancel-1")).Order!.Status);
        await cluster.RestartAsync();

        await EventuallyEqualAsync("CANCELLED", () => cluster.RowStatusAsync(id), "the sweeper brings the row up to date");
    }

    [Fact]
    public async Task A_failed_order_retried_just_before_a_crash_is_resumed_by_the_sweeper()
    {
        await using var cluster = await CrashingCluster.StartAsync("row_retry");
        var grains = cluster.Grains;
        var scenario = new Scenario(grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("r", (book.Id, 10));
        await grains.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
        await grains.GetGrain<IWarehouseGrain>(warehouse).SetFaultAsync(FaultKind.Offline, null, "test");
        var placed = await Scenario.PlaceAsync(grains, Guid.NewGuid(), book.Id, 1);
        Assert.Equal(OrderStatus.Failed, placed.Order!.Status);
        var id = placed.Order.Id;
        await grains.GetGrain<IWarehouseGrain>(warehouse).ClearFaultAsync("test");
        await grains.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
        await EventuallyEqualAsync("FAILED", () => cluster.RowStatusAsync(id), "the row of the failed order is written");

        // The retry's PENDING state is written, the warehouse ships, and the silo dies before anything else is written.
        await cluster.CrashAfterNextOrderStateWriteAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IOrderGrain>(id).RetryAsync("test", "retry-1"));
        await cluster.RestartAsync();

        await EventuallyEqualAsync("Shipped SHIPPED", async () =>
            $"{(await cluster.Grains.GetGrain<IOrderGrain>(id).GetAsync())!.Status} {await cluster.RowStatusAsync(id)}",
            "the sweeper resumes the retried order and finds its shipment");
        Assert.Equal(9, await Scenario.StockAsync(cluster.Grains, warehouse, book.Id));
    }

    /// <summary>Polls until <paramref name="read"/> gives <paramref name="expected"/>; then asserts it, so a failure shows the last value.</summary>
    private static async Task EventuallyEqualAsync(string expected, Func<Task<string?>> read, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = await read();
        while (last != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            last = await read();
        }
        Assert.True(last == expected, $"Expected {expected} within 30 s ({because}), last seen {last}.");
    }

    /// <summary>A one-silo cluster on a database of its own that can be made to die right after an order's state write.</summary>
    private sealed class CrashingCluster : IAsyncDisposable
    {
        private readonly string _connectionString;
        private readonly Dictionary<string, string?> _settings;
        private readonly string _serviceId = $"svc-{Guid.NewGuid():N}"[..16];
        private TestCluster _cluster = null!;

        private CrashingCluster(string connectionString)
        {
            _connectionString = connectionString;
            _settings = ClusterFactory.BaseSettings(connectionString);
        }

        public IGrainFactory Grains => _cluster.GrainFactory;

        public static async Task<CrashingCluster> StartAsync(string database)
        {
            var cluster = new CrashingCluster(await (await PostgresServer.GetAsync()).CreateDatabaseAsync(database));
            await cluster.DeployAsync();
            return cluster;
        }

        private async Task DeployAsync()
        {
            _cluster = ClusterFactory.Build(1, _settings, _serviceId);
            await _cluster.DeployAsync();
        }

        /// <summary>
        /// After the next write of an order's state (in its row), storage refuses every later write of an order's
        /// row, as if the silo had died right after that write (a row update queued behind it is lost).
        /// </summary>
        public Task CrashAfterNextOrderStateWriteAsync() => ExecuteAsync("""
            CREATE TABLE crash_point (order_state_writes integer NOT NULL);
            INSERT INTO crash_point VALUES (0);
            CREATE FUNCTION crash_on_order_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF (SELECT order_state_writes FROM crash_point) >= 1 THEN RAISE EXCEPTION 'the silo died before this write'; END IF;
              IF NEW.state_version > OLD.state_version THEN UPDATE crash_point SET order_state_writes = order_state_writes + 1; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER crash_on_order_write BEFORE UPDATE ON agentops_orders FOR EACH ROW EXECUTE FUNCTION crash_on_order_write();
            """);

        /// <summary>Kills the silo, lets storage accept writes again, and starts a new cluster on the same storage.</summary>
        public async Task RestartAsync()
        {
            await _cluster.KillSiloAsync(_cluster.Primary!);
            await _cluster.DisposeAsync();
            await ExecuteAsync("""
                DROP TRIGGER crash_on_order_write ON agentops_orders;
                """);
            await DeployAsync();
        }

        public async Task<string?> RowStatusAsync(Guid orderId)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT status FROM agentops_orders WHERE order_id = $1", connection);
            command.Parameters.AddWithValue(orderId);
            return await command.ExecuteScalarAsync() as string;
        }

        private async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}
