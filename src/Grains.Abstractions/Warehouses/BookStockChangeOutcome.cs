namespace AgentOps.Warehouses;

/// <summary>What <see cref="IWarehouseGrain.SetBookStockAsync"/> found and left.</summary>
/// <param name="Before">The book's stock line before the change (or, when the expectation did not hold, as found instead).</param>
/// <param name="After">The line afterwards: as it is now, also when the operation had been applied before.</param>
/// <param name="ExpectationHeld">False: the stock was neither as expected nor at the requested quantity, and the operation had
/// not been applied before, so nothing changed.</param>
/// <param name="Error">A refused change (an invalid quantity); nothing changed.</param>
[GenerateSerializer, Immutable, Alias("AgentOps.BookStockChangeOutcome")]
public sealed record BookStockChangeOutcome(
    [property: Id(0)] StockLine? Before,
    [property: Id(1)] StockLine? After,
    [property: Id(2)] bool ExpectationHeld,
    [property: Id(3)] Common.OperationError? Error);
