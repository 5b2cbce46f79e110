namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.OrderReference")]
public sealed record OrderReference([property: Id(0)] Guid OrderId, [property: Id(1)] DateTimeOffset CreatedAt);
