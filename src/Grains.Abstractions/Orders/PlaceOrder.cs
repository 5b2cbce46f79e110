using System.Collections.Immutable;

namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.PlaceOrder")]
public sealed record PlaceOrder(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] ImmutableArray<OrderItem> Items,
    [property: Id(2)] PaymentRequest? Payment,
    [property: Id(3)] string? IdempotencyKey);
