using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using Npgsql;
using Orleans.TestingHost;

namespace AgentOps.Tests.Postgres;

/// <summary>
/// A state write that fails (issue 11, defects 5 and 8): no grain answers from memory what storage does not have.
/// PostgreSQL itself refuses the write here, through a trigger, as a full disk or a lost connection would.
/// </summary>
public sealed class FailedWriteTests : IAsyncLifetime
{
    private string _connectionString = "";
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("failed_write");
        _cluster = ClusterFactory.Build(1, ClusterFactory.BaseSettings(_connectionString), $"svc-{Guid.NewGuid():N}"[..16]);
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_repeated_operation_is_not_answered_as_done_while_the_first_write_fails()
    {
        var scenario = new Scenario(_cluster.GrainFactory);
        var book = await scenario.BookAsync();
        var name = await scenario.WarehouseAsync("fw", (book.Id, 5));
        var warehouse = _cluster.GrainFactory.GetGrain<IWarehouseGrain>(name);
        // A warehouse commit always moves its version row first.
        await RefuseNextWriteAsync("agentops_warehouse_versions", $"NEW.warehouse = '{name}'");

        var first = warehouse.SetStockAsync([new StockLine(book.Id, 50)], "test", "op-1");
        await WriteStartedAsync();
        var repeat = warehouse.SetStockAsync([new StockLine(book.Id, 50)], "test", "op-1");

        await Assert.ThrowsAnyAsync<Exception>(() => first);
        // Before the fix the repeat answered "done" from memory while the write that carried it was failing.
        await Assert.ThrowsAnyAsync<Exception>(() => repeat);
        Assert.Equal(5, await Scenario.StockAsync(_cluster.GrainFactory, name, book.Id));
        Assert.Null(await warehouse.SetStockAsync([new StockLine(book.Id, 50)], "test", "op-1"));
        Assert.Equal(50, await Scenario.StockAsync(_cluster.GrainFactory, name, book.Id));
    }

    [Fact]
    public async Task An_order_whose_outcome_write_fails_does_not_claim_it_and_is_finished_once_by_the_sweeper()
    {
        var grains = _cluster.GrainFactory;
        var scenario = new Scenario(grains);
        var book = await scenario.BookAsync();
        var name = await scenario.WarehouseAsync("fo", (book.Id, 10));
        await grains.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
        Assert.Equal(OrderStatus.Shipped, (await Scenario.PlaceAsync(grains, Guid.NewGuid(), book.Id, 1)).Order!.Status);
        // The order's state lives in its row: storage refuses every state write of this order until told otherwise.
        var id = Guid.NewGuid();
        await ExecuteAsync($$"""
            CREATE TABLE refuse_order_state (order_id uuid);
            INSERT INTO refuse_order_state VALUES ('{{id}}');
            CREATE FUNCTION refuse_order_state() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.state_version > OLD.state_version AND EXISTS (SELECT 1 FROM refuse_order_state WHERE order_id = NEW.order_id) THEN
                RAISE EXCEPTION 'storage refuses this write';
              END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_order_state BEFORE UPDATE ON agentops_orders FOR EACH ROW EXECUTE FUNCTION refuse_order_state();
            """);

        await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IOrderGrain>(id).PlaceAsync(new PlaceOrder(Guid.NewGuid(), [new OrderItem(book.Id, 1)], null, null)));

        // The warehouse shipped, but storage does not know the order shipped: the order must not say so yet.
        Assert.NotEqual(OrderStatus.Shipped, (await grains.GetGrain<IOrderGrain>(id).GetAsync())?.Status);
        await ExecuteAsync("DELETE FROM refuse_order_state");
        await Scenario.EventuallyAsync(async () => (await grains.GetGrain<IOrderGrain>(id).GetAsync())?.Status == OrderStatus.Shipped,
            TimeSpan.FromSeconds(30), "the sweeper finishes the order");
        Assert.Equal(8, await Scenario.StockAsync(grains, name, book.Id));
    }

    /// <summary>
    /// The next write of a row of <paramref name="table"/> matching <paramref name="match"/> waits three seconds, then fails;
    /// later ones pass. The wait is the window in which the test must see the write start and send its repeat.
    /// </summary>
    private Task RefuseNextWriteAsync(string table, string match) => ExecuteAsync($$"""
        CREATE SEQUENCE IF NOT EXISTS refused_writes;
        CREATE OR REPLACE FUNCTION refuse_next_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF {{match}} AND nextval('refused_writes') = 1 THEN
            PERFORM pg_sleep(3);
            RAISE EXCEPTION 'storage refuses this write';
          END IF;
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS refuse_next_write ON {{table}};
        CREATE TRIGGER refuse_next_write BEFORE INSERT OR UPDATE ON {{table}} FOR EACH ROW EXECUTE FUNCTION refuse_next_write();
        """);

    private async Task WriteStartedAsync() => await Scenario.EventuallyAsync(async () =>
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT is_called FROM refused_writes", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }, TimeSpan.FromSeconds(10), "the first write reached storage");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
