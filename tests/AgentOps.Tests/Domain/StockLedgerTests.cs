using AgentOps.Warehouses;

namespace AgentOps.Tests.Domain;

public sealed class StockLedgerTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();

    [Fact]
    public void Shipment_takes_every_line_when_all_are_in_stock()
    {
        var stock = new Dictionary<Guid, int> { [A] = 5, [B] = 1 };
        var decision = StockLedger.Decide(stock, [new StockLine(A, 2), new StockLine(B, 1)]);

        Assert.True(decision.CanShip);
        StockLedger.Apply(stock, decision);
        Assert.Equal(3, stock[A]);
        Assert.Equal(0, stock[B]);
    }

    [Fact]
    public void Shipment_with_one_short_line_takes_nothing()
    {
        var stock = new Dictionary<Guid, int> { [A] = 5, [B] = 1 };
        var decision = StockLedger.Decide(stock, [new StockLine(A, 2), new StockLine(B, 2)]);

        Assert.False(decision.CanShip);
        Assert.Equal(new[] { new StockLine(B, 1) }, decision.Shortages.ToArray());
        Assert.Throws<InvalidOperationException>(() => StockLedger.Apply(stock, decision));
        Assert.Equal(5, stock[A]);
    }

    [Fact]
    public void Repeated_lines_of_one_book_are_added_up_before_checking()
    {
        var decision = StockLedger.Decide(new Dictionary<Guid, int> { [A] = 3 }, [new StockLine(A, 2), new StockLine(A, 2)]);
        Assert.Equal(new[] { new StockLine(A, 1) }, decision.Shortages.ToArray());
    }

    [Fact]
    public void Unknown_book_is_a_shortage_of_its_whole_quantity()
    {
        var decision = StockLedger.Decide(new Dictionary<Guid, int>(), [new StockLine(A, 4)]);
        Assert.Equal(new[] { new StockLine(A, 4) }, decision.Shortages.ToArray());
    }

    [Theory]
    [InlineData(-1, "validation.invalid_quantity")]
    [InlineData(1_000_001, "validation.invalid_quantity")]
    public void Stock_levels_outside_the_limits_are_refused(int quantity, string code) =>
        Assert.Equal(code, StockLedger.ValidateStockLevels([new StockLine(A, quantity)], 1_000_000)?.Code);

    [Fact]
    public void Zero_stock_is_a_valid_level() => Assert.Null(StockLedger.ValidateStockLevels([new StockLine(A, 0)], 10));
}
