namespace AgentOps.Warehouses;

/// <summary>
/// The quantity a caller expects to find for a book: null means no stock line. A negative quantity matches no stock
/// (the caller's expectation was about another book or warehouse); a stock already at the quantity being set still
/// lets the change go ahead (see <see cref="BookStockChange"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.StockExpectation")]
public sealed record StockExpectation([property: Id(0)] int? Quantity);
