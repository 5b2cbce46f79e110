using AgentOps.OpsEvents;
using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Grains;

[Collection(MemoryClusterCollection.Name)]
public sealed class OrderFulfilmentTests(MemoryClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Order_is_shipped_from_one_warehouse_and_its_stock_goes_down()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync(price: 12.5m);
        var only = await scenario.WarehouseAsync("only", (book.Id, 5));

        var result = await Scenario.PlaceAsync(_grains, Guid.NewGuid(), book.Id, 2, new PaymentRequest("card", 25m));

        Assert.Null(result.Error);
        Assert.Equal(OrderStatus.Shipped, result.Order!.Status);
        Assert.Equal(only, result.Order.Warehouse);
        Assert.Equal(PaymentStatus.Captured, result.Order.Payment!.Status);
        Assert.Equal(3, await Scenario.StockAsync(_grains, only, book.Id));
    }

    [Fact]
    public async Task Order_falls_back_to_the_next_warehouse_when_one_is_offline()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var first = await scenario.WarehouseAsync("a", (book.Id, 5));
        var second = await scenario.WarehouseAsync("b", (book.Id, 5));
        await _grains.GetGrain<IWarehouseGrain>(first).SetFaultAsync(FaultKind.Offline, null, "test");

        var result = await Scenario.PlaceAsync(_grains, Guid.NewGuid(), book.Id, 1);

        Assert.Equal(OrderStatus.Shipped, result.Order!.Status);
        Assert.Equal(second, result.Order.Warehouse);
        Assert.Equal(5, await Scenario.StockAsync(_grains, first, book.Id));
        Assert.Equal(4, await Scenario.StockAsync(_grains, second, book.Id));
    }

    [Fact]
    public async Task Order_is_failed_and_refunded_when_no_warehouse_can_ship()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync(price: 3m);
        var small = await scenario.WarehouseAsync("small", (book.Id, 1));

        var result = await Scenario.PlaceAsync(_grains, Guid.NewGuid(), book.Id, 2, new PaymentRequest("card", 6m));

        Assert.Equal(OrderStatus.Failed, result.Order!.Status);
        Assert.Equal(PaymentStatus.Refunded, result.Order.Payment!.Status);
        Assert.NotNull(result.Order.Payment.RefundedAt);
        Assert.Contains(small, result.Order.AttemptedWarehouses);
        Assert.Equal(1, await Scenario.StockAsync(_grains, small, book.Id));
        var events = await _grains.GetGrain<IOpsEventLogGrain>(0).QueryAsync(new OpsEventQuery(Kind: "order_failed", Limit: 1000));
        Assert.Contains(events, e => e.Details["order_id"] == result.Order.Id.ToString());
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_order_and_ships_once()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var warehouse = await scenario.WarehouseAsync("w", (book.Id, 5));
        var user = Guid.NewGuid();

        var first = await Scenario.PlaceAsync(_grains, user, book.Id, 2, key: "checkout-1");
        var second = await Scenario.PlaceAsync(_grains, user, book.Id, 2, key: "checkout-1");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Order!.Id, second.Order!.Id);
        Assert.Equal(3, await Scenario.StockAsync(_grains, warehouse, book.Id));
    }

    [Fact]
    public async Task A_repeated_shipment_instruction_returns_the_first_confirmation_and_takes_stock_once()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var name = await scenario.WarehouseAsync("w", (book.Id, 5));
        var warehouse = _grains.GetGrain<IWarehouseGrain>(name);
        var request = new ShipmentRequest(Guid.NewGuid(), [new StockLine(book.Id, 2)]);

        var first = await warehouse.ShipAsync(request);
        var again = await warehouse.ShipAsync(request);

        Assert.Equal(first.Confirmation!.ShipmentId, again.Confirmation!.ShipmentId);
        Assert.Equal(3, await Scenario.StockAsync(_grains, name, book.Id));
    }

    [Fact]
    public async Task Concurrent_orders_for_the_last_copies_never_oversell()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var one = await scenario.WarehouseAsync("x", (book.Id, 3));
        var two = await scenario.WarehouseAsync("y", (book.Id, 2));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Scenario.PlaceAsync(_grains, Guid.NewGuid(), book.Id, 1)));
        // A ship call slower than the fixture's 1 s timeout (a stalled test machine) leaves its order PENDING for the
        // sweeper to finish, exactly once; the count is taken when every order has settled.
        var orders = Array.Empty<OrderSnapshot?>();
        await Scenario.EventuallyAsync(async () =>
        {
            orders = await Task.WhenAll(results.Select(r => _grains.GetGrain<IOrderGrain>(r.Order!.Id).GetAsync()));
            return orders.All(o => o!.Status != OrderStatus.Pending);
        }, TimeSpan.FromSeconds(30), "every order is shipped or failed");

        Assert.Equal(5, orders.Count(o => o!.Status == OrderStatus.Shipped));
        Assert.Equal(15, orders.Count(o => o!.Status == OrderStatus.Failed));
        Assert.Equal(0, await Scenario.StockAsync(_grains, one, book.Id));
        Assert.Equal(0, await Scenario.StockAsync(_grains, two, book.Id));
    }

    [Fact]
    public async Task An_order_whose_warehouse_did_not_answer_stays_pending_and_is_finished_by_its_reminder_exactly_once()
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync();
        var slow = await scenario.WarehouseAsync("slow", (book.Id, 5));
        // Slower than the 1 s shipment timeout: the order cannot know whether it shipped.
        await _grains.GetGrain<IWarehouseGrain>(slow).SetFaultAsync(FaultKind.Slow, TimeSpan.FromSeconds(2), "test");

        var placed = await Scenario.PlaceAsync(_grains, Guid.NewGuid(), book.Id, 1);
        Assert.Equal(OrderStatus.Pending, placed.Order!.Status);

        await _grains.GetGrain<IWarehouseGrain>(slow).ClearFaultAsync("test");
        var order = _grains.GetGrain<IOrderGrain>(placed.Order.Id);
        await Scenario.EventuallyAsync(async () => (await order.GetAsync())!.Status == OrderStatus.Shipped, TimeSpan.FromSeconds(20), "the reminder ships the order");

        Assert.Equal(slow, (await order.GetAsync())!.Warehouse);
        Assert.Equal(4, await Scenario.StockAsync(_grains, slow, book.Id));
        Assert.Single(await _grains.GetGrain<IWarehouseGrain>(slow).GetShipmentsAsync());
    }
}
