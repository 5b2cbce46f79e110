using AgentOps.Catalog;
using AgentOps.Orders;
using AgentOps.Warehouses;

namespace AgentOps.Tests.Infrastructure;

/// <summary>Creates a book and warehouses of a test's own, so tests sharing a cluster do not see each other's stock.</summary>
public sealed class Scenario(IGrainFactory grains)
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    public async Task<Book> BookAsync(decimal price = 10m)
    {
        var result = await grains.GetGrain<ICatalogGrain>(0).CreateAsync(Guid.NewGuid(),
            new BookDraft($"T-{_tag}-{Guid.NewGuid():N}"[..20], $"Test book {_tag}", "Test Author", null, price, null, null, 2020));
        Assert.Null(result.Error);
        return result.Book!;
    }

    /// <summary>Registers a warehouse named after the test and stocks it.</summary>
    public async Task<string> WarehouseAsync(string suffix, params (Guid Book, int Quantity)[] stock)
    {
        var name = $"t{_tag}-{suffix}";
        await grains.GetGrain<IWarehouseRegistryGrain>(0).RegisterAsync(name, $"http://localhost/warehouses/{name}");
        if (stock.Length > 0)
        {
            Assert.Null(await grains.GetGrain<IWarehouseGrain>(name).SetStockAsync([.. stock.Select(s => new StockLine(s.Book, s.Quantity))], "test"));
        }
        return name;
    }

    public static Task<OrderResult> PlaceAsync(IGrainFactory grains, Guid userId, Guid bookId, int quantity, PaymentRequest? payment = null, string? key = null) =>
        grains.GetGrain<IOrderGrain>(key is null ? Guid.NewGuid() : OrderRules.IdFor(userId, key))
            .PlaceAsync(new PlaceOrder(userId, [new OrderItem(bookId, quantity)], payment, key));

    public static async Task<int> StockAsync(IGrainFactory grains, string warehouse, Guid bookId) =>
        (await grains.GetGrain<IWarehouseGrain>(warehouse).GetBookStockAsync(bookId))?.Quantity ?? 0;

    /// <summary>Polls a condition that an asynchronous mechanism (a reminder) makes true; fails with the message after the timeout.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        EventuallyAsync(condition, timeout, () => because);

    /// <param name="because">Read when the wait times out, so that it can describe what was seen last.</param>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {because()}.");
            await Task.Delay(100);
        }
    }
}
