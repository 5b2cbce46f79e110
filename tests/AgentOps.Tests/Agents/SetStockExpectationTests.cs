using AgentOps.Agents.Tools;

namespace AgentOps.Tests.Agents;

/// <summary>What set_stock hands the warehouse to check: the quantity the approver saw, read back from the observation.</summary>
public sealed class SetStockExpectationTests
{
    private static readonly Guid Book = Guid.Parse("994d771f-f9bc-5cf3-8144-726d67892951");

    [Theory]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":7}""", 7)]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":0}""", 0)]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":null}""", null)]
    // What set_stock records for a book the warehouse has never stocked: the tools' JSON leaves the null out.
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951"}""", null)]
    public void An_observation_of_the_same_book_and_warehouse_expects_its_quantity(string observation, int? quantity) =>
        Assert.Equal(quantity, SetStockTool.Expecting(observation, "alpha", Book).Quantity);

    [Theory]
    // Arguments edited at approval: the approver saw another target, so what they saw cannot hold here.
    [InlineData("""{"warehouse":"beta","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":7}""")]
    [InlineData("""{"warehouse":"alpha","book_id":"00000000-0000-0000-0000-000000000001","quantity":7}""")]
    [InlineData("""{"warehouse":"alpha","book_id":"994d771f-f9bc-5cf3-8144-726d67892951","quantity":"7"}""")]
    [InlineData("""not json""")]
    [InlineData("""[7]""")]
    public void An_observation_of_another_target_matches_no_stock(string observation) =>
        Assert.Equal(-1, SetStockTool.Expecting(observation, "alpha", Book).Quantity);

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(7)]
    public void The_quantity_read_back_is_the_one_the_observation_was_made_of(int? quantity) =>
        Assert.Equal(quantity, SetStockTool.Expecting(
            SetStockTool.Observation("alpha", Book, quantity is { } q ? new AgentOps.Warehouses.StockLine(Book, q) : null), "alpha", Book).Quantity);
}
