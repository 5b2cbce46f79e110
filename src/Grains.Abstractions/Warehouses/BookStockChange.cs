namespace AgentOps.Warehouses;

/// <summary>
/// Sets one book's stock to <paramref name="Quantity"/>, at most once per <paramref name="OperationId"/>, and only while
/// the stock is what the caller expects (<paramref name="Expected"/>; null: no check) or already at that quantity.
/// </summary>
[GenerateSerializer, Immutable, Alias("AgentOps.BookStockChange")]
public sealed record BookStockChange(
    [property: Id(0)] Guid BookId,
    [property: Id(1)] int Quantity,
    [property: Id(2)] string ChangedBy,
    [property: Id(3)] string OperationId,
    [property: Id(4)] StockExpectation? Expected = null);
