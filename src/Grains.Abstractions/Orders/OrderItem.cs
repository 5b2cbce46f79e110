namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.OrderItem")]
public sealed record OrderItem([property: Id(0)] Guid BookId, [property: Id(1)] int Quantity);
