namespace AgentOps.Orders;

/// <summary>A page of orders, newest first; <paramref name="UserId"/> null means every customer's.</summary>
[GenerateSerializer, Immutable, Alias("AgentOps.OrderQuery")]
public sealed record OrderQuery(
    [property: Id(0)] Guid? UserId = null,
    [property: Id(1)] OrderStatus? Status = null,
    [property: Id(2)] int Limit = 50,
    [property: Id(3)] int Offset = 0);
