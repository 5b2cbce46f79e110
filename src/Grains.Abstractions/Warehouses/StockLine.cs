namespace AgentOps.Warehouses;

[GenerateSerializer, Immutable, Alias("AgentOps.StockLine")]
public sealed record StockLine([property: Id(0)] Guid BookId, [property: Id(1)] int Quantity);
