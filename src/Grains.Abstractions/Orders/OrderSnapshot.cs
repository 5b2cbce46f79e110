using System.Collections.Immutable;

namespace AgentOps.Orders;

[GenerateSerializer, Immutable, Alias("AgentOps.OrderSnapshot")]
public sealed record OrderSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid UserId,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] ImmutableArray<OrderLine> Lines,
    [property: Id(4)] decimal Total,
    [property: Id(5)] PaymentRecord? Payment,
    [property: Id(6)] string? Warehouse,
    [property: Id(7)] ImmutableArray<string> AttemptedWarehouses,
    [property: Id(8)] string? FailureReason,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] string? IdempotencyKey);
