namespace AgentOps.Warehouses;

/// <summary>
/// The quantity a caller expects to find for a book: null means no stock line. A negative quantity matches nothing
/// (the caller's expectation was about another book or warehouse, so it cannot hold here).
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.StockExpectation")]
public sealed record StockExpectation([property: Id(0)] int? Quantity);
