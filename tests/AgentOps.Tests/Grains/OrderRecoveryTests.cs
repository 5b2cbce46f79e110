using AgentOps.Orders;
using AgentOps.Tests.Infrastructure;
using AgentOps.Warehouses;
using AgentOps.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AgentOps.Tests.Grains;

/// <summary>
/// Orders whose silo died after their row was added but before any outcome was written: finished, never shipped twice.
/// The row holds the accepted order as the grain's first state, or (rows added by earlier versions) as a JSON payload.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class OrderRecoveryTests(MemoryClusterFixture fixture)
{
    public enum Row { WithState, WithPayload }

    private readonly IGrainFactory _grains = fixture.Grains;

    // The serializer the silo's order storage and order grains use, so the test row is what a crashed grain leaves.
    private IGrainStorageSerializer SiloStateSerializer() => Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary)
        .SiloHost.Services.GetRequiredKeyedService<IGrainStorageSerializer>(StorageNames.Orders);

    private async Task<(Guid Order, Guid Book, string Warehouse)> CrashedOrderAsync(int stock, Row row, Guid? userId = null, string? key = null)
    {
        var scenario = new Scenario(_grains);
        var book = await scenario.BookAsync(price: 3m);
        var warehouse = await scenario.WarehouseAsync("rec", (book.Id, stock));
        await _grains.GetGrain<IWarehouseRegistryGrain>(0).CheckHealthAsync();
        var user = userId ?? Guid.NewGuid();
        var orderId = key is null ? Guid.NewGuid() : OrderRules.IdFor(user, key);
        var now = DateTimeOffset.UtcNow;
        // What a crash leaves: the order's row (its durable PENDING record), and no grain state.
        var accepted = new OrderSnapshot(orderId, user, OrderStatus.Pending,
            [new OrderLine(book.Id, book.Isbn, book.Title, 2, 3m)], 6m, null, null, [], null, now, now, key);
        var store = new InMemoryOrderStore(fixture.Cluster.Options.ServiceId);
        var added = row == Row.WithState
            ? await store.AddAsync(orderId, accepted.UserId, OrderStatus.Pending, now,
                state: SiloStateSerializer().Serialize(new OrderState { Order = accepted }).ToArray())
            : await store.AddAsync(orderId, accepted.UserId, OrderStatus.Pending, now, OrderPayload.Serialize(accepted));
        Assert.True(added);
        return (orderId, book.Id, warehouse);
    }

    [Theory]
    [InlineData(Row.WithState)]
    [InlineData(Row.WithPayload)]
    public async Task An_order_that_shipped_before_the_crash_is_marked_shipped_without_shipping_again(Row row)
    {
        var (orderId, book, warehouse) = await CrashedOrderAsync(stock: 10, row);
        var first = await _grains.GetGrain<IWarehouseGrain>(warehouse).ShipAsync(new ShipmentRequest(orderId, [new StockLine(book, 2)], MayBeRepeat: false));
        Assert.NotNull(first.Confirmation);

        var order = await _grains.GetGrain<IOrderGrain>(orderId).ResumeAsync();

        Assert.Equal(OrderStatus.Shipped, order!.Status);
        Assert.Equal(warehouse, order.Warehouse);
        Assert.Equal(8, await Scenario.StockAsync(_grains, warehouse, book));
        Assert.Single(await _grains.GetGrain<IWarehouseGrain>(warehouse).GetShipmentsAsync());
    }

    [Theory]
    [InlineData(Row.WithState)]
    [InlineData(Row.WithPayload)]
    public async Task An_order_interrupted_before_any_warehouse_was_asked_is_rebuilt_from_its_row_and_shipped_once(Row row)
    {
        var (orderId, book, warehouse) = await CrashedOrderAsync(stock: 10, row);

        var order = await _grains.GetGrain<IOrderGrain>(orderId).ResumeAsync();
        var again = await _grains.GetGrain<IOrderGrain>(orderId).ResumeAsync();

        Assert.Equal(OrderStatus.Shipped, order!.Status);
        Assert.Equal(6m, order.Total);
        Assert.Equal(OrderStatus.Shipped, again!.Status);
        Assert.Equal(8, await Scenario.StockAsync(_grains, warehouse, book));
        Assert.Single(await _grains.GetGrain<IWarehouseGrain>(warehouse).GetShipmentsAsync());
    }

    [Theory]
    [InlineData(Row.WithState, false)]
    [InlineData(Row.WithPayload, false)]
    [InlineData(Row.WithState, true)]
    [InlineData(Row.WithPayload, true)]
    public async Task Placing_again_with_the_same_key_finishes_the_interrupted_order_instead_of_a_new_one(Row row, bool activeBeforeTheRow)
    {
        var user = Guid.NewGuid();
        const string key = "retry-after-crash";
        // An activation that found no row, before the row of the interrupted attempt appeared, places anew: its insert
        // finds the row. One that starts after it reads the row first.
        if (activeBeforeTheRow) Assert.Null(await _grains.GetGrain<IOrderGrain>(OrderRules.IdFor(user, key)).GetAsync());
        var (orderId, book, warehouse) = await CrashedOrderAsync(stock: 10, row, user, key);

        var again = await Scenario.PlaceAsync(_grains, user, book, 2, key: key);

        Assert.Null(again.Error);
        Assert.False(again.Created);
        Assert.Equal(orderId, again.Order!.Id);
        Assert.Equal(OrderStatus.Shipped, again.Order.Status);
        Assert.Equal(8, await Scenario.StockAsync(_grains, warehouse, book));
        Assert.Single(await _grains.GetGrain<IWarehouseGrain>(warehouse).GetShipmentsAsync());
    }

    [Theory]
    [InlineData(Row.WithState)]
    [InlineData(Row.WithPayload)]
    public async Task The_sweeper_finds_and_finishes_a_crashed_order(Row row)
    {
        var (orderId, book, warehouse) = await CrashedOrderAsync(stock: 10, row);

        await Scenario.EventuallyAsync(async () => (await _grains.GetGrain<IOrderGrain>(orderId).GetAsync())?.Status == OrderStatus.Shipped,
            TimeSpan.FromSeconds(30), "the sweeper's reminder finishes the order");
        Assert.Equal(8, await Scenario.StockAsync(_grains, warehouse, book));
    }
}
