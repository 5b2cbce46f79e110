using System.Collections.Immutable;

namespace AgentOps.Orders;

/// <param name="RequestFingerprint">
/// What was ordered (items and payment) as a hash, kept with an Idempotency-Key so that the key sent again with a
/// different order is refused; null for orders placed before it was recorded.
/// </param>
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
    [property: Id(11)] string? IdempotencyKey,
    [property: Id(12)] string? RequestFingerprint = null);
